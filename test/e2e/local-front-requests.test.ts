import { once } from 'node:events';
import { get } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { documentClient, newTenant, TABLE_NAME } from '../support/fixtures.ts';
import { useInProcessFront } from '../support/in-process-front.ts';
import { routeCalls } from '../support/route-calls.ts';
import { registeredImage, seedImages } from '../support/seed-images.ts';
import { tenantItems } from '../support/table-inspection.ts';

/** The local front in this process, over real HTTP: requests a client library would not send. */
describe('local front: requests at the edge of HTTP', () => {
  const tenant = newTenant();
  const front = useInProcessFront({
    tokens: [
      { token: 'edge-token', tenant },
      { token: 'reader-token', tenant, readOnly: true },
    ],
    tenantClaim: 'tenant_id',
  });

  /** Sends raw bytes and reads the whole answer (the front closes the connection after it). */
  const raw = async (text: string) => {
    const socket = connect(front.port, '127.0.0.1');
    await once(socket, 'connect');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.write(text);
    await once(socket, 'close');
    const answer = Buffer.concat(chunks).toString();
    // The body is one JSON object, possibly in one chunk of chunked encoding.
    return { status: Number(answer.split(' ', 2)[1]), body: answer.slice(answer.indexOf('{'), answer.lastIndexOf('}') + 1) };
  };

  it('answers a path starting with // (not a URL Node can parse) with 404 in the error body', async () => {
    const answer = await raw(`GET //v1.1/${tenant}/images HTTP/1.1\r\nHost: x\r\nX-Auth-Token: edge-token\r\nConnection: close\r\n\r\n`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ error_code: 404, error_name: 'NOT_FOUND' });
  });

  it('answers a request line over 16 KiB with 431 in the error body', async () => {
    const answer = await raw(`GET /v1.1/${tenant}/images?${'tags=spark&'.repeat(2_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toMatchObject({ error_code: 431, error_name: 'REQUEST_HEADER_FIELDS_TOO_LARGE' });
  });

  it('answers an oversized HEAD with 431 and no body (found by npm run fuzz, seed 504256756)', async () => {
    const answer = await raw(`HEAD /v1.1/${tenant}/images?${'tags=spark&'.repeat(2_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(answer.body).toBe('');
  });

  it('answers an unknown method or broken framing with 400 in the error body', async () => {
    for (const request of ['BREW /v1.1/x/images HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /v1.1/x/images HTTP/1.1\r\nContent-Length: x\r\n\r\n']) {
      const answer = await raw(request);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error_code: 400, error_name: 'BAD_REQUEST' });
    }
  });

  const call = async (token: string, route: ReturnType<typeof routeCalls>[number], imageId: string) => {
    const { method, path, body } = route.call(tenant, imageId);
    const response = await fetch(`http://127.0.0.1:${front.port}${path}`, {
      method,
      headers: { 'x-auth-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };

  it('a read-only token (token=tenant:read) gets 403 FORBIDDEN on every change, before anything is written', async () => {
    const writes = routeCalls().filter((route) => route.operation.access === 'write');
    expect(writes.length).toBeGreaterThanOrEqual(4);
    for (const route of writes) {
      const answer = await call('reader-token', route, 'img-plain');
      expect(answer.status, `${route.method} ${route.path}`).toBe(403);
      expect(answer.json).toEqual({
        error_code: 403,
        error_name: 'FORBIDDEN',
        error_message: expect.stringMatching(/lacks the 'image-registry\/write' scope[\s\S]*\nError ID: req-\S+$/),
      });
    }
    expect(await tenantItems(tenant)).toEqual([]);
  });

  it('a read-only token reads; a token with both scopes reads and changes', async () => {
    for (const route of routeCalls()) {
      const full = await call('edge-token', route, 'img-plain');
      // Past the scope check: the operation itself answered (a show before the register is a 400).
      expect([200, 202, 204, 400], `${route.method} ${route.path}`).toContain(full.status);
      if (route.operation.access === 'read') expect((await call('reader-token', route, 'img-plain')).status).toBe(full.status);
    }
  });
});

describe('local front: the token comes before the body', () => {
  const tenant = newTenant();
  // An empty token is what an empty token file or `REGISTRY_DEV_TOKENS=' =t'` would have made; both are refused at start,
  // and the front never lets an empty header match one anyway.
  const front = useInProcessFront({ tokens: [{ token: '', tenant }], tenantClaim: 'tenant_id' });

  /** Sends the request head and the first bytes of a body that never arrives, and reads whatever the front answers. */
  const headWithoutBody = async (head: string) => {
    const socket = connect(front.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(`${head}Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{"username": `);
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    socket.destroy();
    const text = chunk.toString();
    return { status: Number(text.split(' ', 2)[1]), text };
  };

  it('answers 401 to a request without a valid token before its body has arrived', { timeout: 15_000 }, async () => {
    const answer = await headWithoutBody(`POST /v1.1/${tenant}/images/img-plain HTTP/1.1\r\nHost: x\r\n`);
    expect(answer.status).toBe(401);
    expect(answer.text).toContain('"error_name":"UNAUTHORIZED"');
    expect(answer.text.toLowerCase()).toContain('cache-control: no-store');
  });

  it('never lets an empty X-Auth-Token or Bearer header match a token', async () => {
    for (const header of ['X-Auth-Token: ', 'X-Auth-Token:', 'Authorization: Bearer ', 'Authorization: Bearer']) {
      const answer = await headWithoutBody(`POST /v1.1/${tenant}/images/img-plain HTTP/1.1\r\nHost: x\r\n${header}\r\n`);
      expect(answer.status, header).toBe(401);
    }
    expect(await tenantItems(tenant)).toEqual([]);
  });
});

describe('local front: a compressed answer over HTTP', () => {
  const tenant = newTenant();
  const front = useInProcessFront({ tokens: [{ token: 'gzip-token', tenant }], tenantClaim: 'tenant_id' });

  it('sends a large answer gzip-compressed as bytes, as API Gateway passes a base64 result, and fetch reads it', async () => {
    const images = Array.from({ length: 40 }, (_, i) => registeredImage(`img-${String(i).padStart(2, '0')}`, ['spark', '3.5']));
    await seedImages({ client: documentClient(), tableName: TABLE_NAME, tenant, images });
    const url = `http://127.0.0.1:${front.port}/v1.1/${tenant}/images`;
    // fetch asks for gzip and decompresses it.
    const response = await fetch(url, { headers: { 'x-auth-token': 'gzip-token' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(((await response.json()) as { images: unknown[] }).images).toHaveLength(40);
    // A client that does not ask for gzip gets plain JSON.
    const plain = await new Promise<{ encoding: string | undefined; body: string }>((resolve, reject) => {
      get(url, { headers: { 'x-auth-token': 'gzip-token' } }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ encoding: answer.headers['content-encoding'], body: Buffer.concat(chunks).toString() }));
      }).on('error', reject);
    });
    expect(plain.encoding).toBeUndefined();
    expect(JSON.parse(plain.body).images).toHaveLength(40);
  });
});

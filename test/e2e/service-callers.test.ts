import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningFront, runStartScript, startLocalFront } from '../support/local-front-process.ts';
import { type RouteCall, routeCalls } from '../support/route-calls.ts';

/** Development keys, each standing for a role; the roles are mapped to tenants as serviceCallers would be. */
const ROLES = {
  reader: 'arn:aws:iam::123456789012:role/etl/image-finder',
  writer: 'arn:aws:iam::123456789012:role/image-publisher',
  logistics: 'arn:aws:iam::123456789012:role/logistics/route-planner',
  stranger: 'arn:aws:iam::123456789012:role/not-a-caller',
};
const KEYS = {
  reader: { accessKeyId: 'AKIADEVREADER0001', secretAccessKey: 'reader/secret+0001' },
  writer: { accessKeyId: 'AKIADEVWRITER0001', secretAccessKey: 'writer/secret+0001' },
  logistics: { accessKeyId: 'AKIADEVLOGIST0001', secretAccessKey: 'logistics-secret-01' },
  stranger: { accessKeyId: 'AKIADEVSTRANG0001', secretAccessKey: 'stranger-secret-01' },
};
type Who = keyof typeof KEYS;
const SERVICE_CALLERS = {
  [ROLES.reader]: { tenant: 'analytics', access: 'read' },
  [ROLES.writer]: { tenant: 'analytics', access: 'write' },
  [ROLES.logistics]: { tenant: 'logistics', access: 'write' },
};
const IMAGE = 'spark-3.5-ubuntu-22.04';

const curlSignsSigV4 = spawnSync('curl', ['--help', 'all'], { encoding: 'utf8' }).stdout?.includes('--aws-sigv4') ?? false;
const botocorePython = process.env.COMPAT_PYTHON ?? '/usr/bin/python3';
const hasBotocore = spawnSync(botocorePython, ['-c', 'import botocore'], { encoding: 'utf8' }).status === 0;
const hasSaharaclient = spawnSync(botocorePython, ['-c', 'import botocore, saharaclient, keystoneauth1'], { encoding: 'utf8' }).status === 0;

describe('npm start: IAM-signed service callers over real HTTP', () => {
  let front: RunningFront;

  beforeAll(async () => {
    front = await startLocalFront({
      REGISTRY_DATA_DIR: 'memory',
      REGISTRY_DEV_TOKENS: 'token-analytics=analytics',
      REGISTRY_DEV_IAM_KEYS: (Object.keys(KEYS) as Who[]).map((who) => `${KEYS[who].accessKeyId}:${KEYS[who].secretAccessKey}=${ROLES[who]}`).join(','),
      REGISTRY_SERVICE_CALLERS: JSON.stringify(SERVICE_CALLERS),
    });
  });
  afterAll(async () => {
    await front?.stop();
  });

  interface Signed {
    readonly method?: string;
    readonly path: string;
    readonly query?: Record<string, string | string[]>;
    readonly body?: unknown;
    readonly secret?: string;
    readonly signedAt?: Date;
  }

  /** A request signed as an AWS SDK client signs it (SigV4, execute-api), sent over real HTTP. */
  const signedCall = async (who: Who, { method = 'GET', path, query = {}, body, secret, signedAt }: Signed) => {
    const origin = new URL(front.origin);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const signer = new SignatureV4({
      credentials: { accessKeyId: KEYS[who].accessKeyId, secretAccessKey: secret ?? KEYS[who].secretAccessKey },
      region: 'eu-west-1',
      service: 'execute-api',
      sha256: Sha256,
    });
    const headers = { host: origin.host, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) };
    const request = await signer.sign(
      { method, protocol: 'http:', hostname: origin.hostname, port: Number(origin.port), path, query, headers, body: payload },
      signedAt ? { signingDate: signedAt } : {},
    );
    const queryString = Object.entries(query)
      .flatMap(([name, values]) => [values].flat().map((value) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`))
      .join('&');
    const response = await fetch(`${front.origin}${path}${queryString ? `?${queryString}` : ''}`, { method, headers: request.headers, body: payload });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const routeCall = (who: Who, route: RouteCall, tenant: string) => {
    const { method, path, body } = route.call(tenant, IMAGE);
    return signedCall(who, { method, path, body });
  };
  const asToken = async (path: string) => (await fetch(`${front.origin}${path}`, { headers: { 'x-auth-token': 'token-analytics' } })).text();

  it('prints each development key with its role and tenant, and a signed curl line', () => {
    const banner = front.output();
    expect(banner).toContain(`AKIADEVREADER0001 -> ${ROLES.reader} (tenant analytics, read)`);
    expect(banner).toContain(`AKIADEVSTRANG0001 -> ${ROLES.stranger} (not in REGISTRY_SERVICE_CALLERS: its requests are 403)`);
    expect(banner).toMatch(/curl -s --aws-sigv4 'aws:amz:us-east-1:execute-api' --user 'AKIADEVREADER0001:reader\/secret\+0001' http:\/\/\S+\/v2\/images/);
  });

  it.skipIf(!curlSignsSigV4)('the printed curl line works as printed (skipped where curl has no --aws-sigv4, before 7.75)', () => {
    const line = /^ {2}(curl -s --aws-sigv4 .*)$/m.exec(front.output())![1]!;
    expect(JSON.parse(execFileSync('bash', ['-c', line], { encoding: 'utf8' }))).toEqual({ images: expect.any(Array) });
  });

  it("a write caller registers and tags for its role's tenant; a read caller of that tenant finds the image by its tags", async () => {
    expect((await signedCall('writer', { method: 'POST', path: `/v2/images/${IMAGE}`, body: { username: 'ubuntu' } })).status).toBe(202);
    const tagged = await signedCall('writer', { method: 'POST', path: `/v1.1/analytics/images/${IMAGE}/tag`, body: { tags: ['spark', '3.5'] } });
    expect(tagged).toMatchObject({ status: 202, json: { image: { tags: ['3.5', 'spark'] } } });
    const found = await signedCall('reader', { path: '/v2/images', query: { tags: ['spark', '3.5'] } });
    expect(found.status).toBe(200);
    expect(found.json.images.map((image: { id: string; username: string }) => [image.id, image.username])).toEqual([[IMAGE, 'ubuntu']]);
    // The tenant's own token sees what the service wrote.
    expect(JSON.parse(await asToken(`/v1.1/analytics/images/${IMAGE}`)).image.tags).toEqual(['3.5', 'spark']);
  });

  it('a read-only caller gets 403 FORBIDDEN on every change, and nothing changes', async () => {
    await signedCall('writer', { method: 'POST', path: `/v2/images/${IMAGE}`, body: { username: 'ubuntu' } });
    const before = await asToken('/v1.1/analytics/images');
    const writes = routeCalls().filter((route) => route.operation.access === 'write');
    expect(writes.length).toBeGreaterThanOrEqual(6);
    for (const route of writes) {
      const answer = await routeCall('reader', route, 'analytics');
      expect([answer.status, answer.json.error_name, answer.json.error_message], `${route.method} ${route.path}`).toEqual([
        403,
        'FORBIDDEN',
        expect.stringMatching(/service caller arn:aws:iam::123456789012:role\/etl\/image-finder may read only/),
      ]);
    }
    expect(await asToken('/v1.1/analytics/images')).toBe(before);
  });

  it("a caller of tenant logistics gets 403 FORBIDDEN on tenant analytics' v1.1 paths, and nothing changes", async () => {
    const before = await asToken('/v1.1/analytics/images');
    const crossing = routeCalls().filter((route) => route.path.includes('{tenant_id}'));
    expect(crossing.length).toBeGreaterThanOrEqual(6);
    for (const route of crossing) {
      const answer = await routeCall('logistics', route, 'analytics');
      expect([answer.status, answer.json.error_name], `${route.method} ${route.path}`).toEqual([403, 'FORBIDDEN']);
    }
    expect(await asToken('/v1.1/analytics/images')).toBe(before);
    // On its own tenant's path, and on v2, it sees its own tenant only.
    expect((await signedCall('logistics', { path: '/v1.1/logistics/images' })).json).toEqual({ images: [] });
    expect((await signedCall('logistics', { path: '/v2/images' })).json).toEqual({ images: [] });
  });

  it.each([
    ['a wrong secret', { secret: 'not-the-secret' }, /signature we calculated does not match/],
    ['a signature dated 6 minutes ago', { signedAt: new Date(Date.now() - 6 * 60_000) }, /Signature expired/],
  ])('refuses %s with 403 FORBIDDEN in the error body', async (_name, options, message) => {
    const answer = await signedCall('reader', { path: '/v2/images', ...options });
    expect([answer.status, answer.json.error_name, answer.json.error_message]).toEqual([403, 'FORBIDDEN', expect.stringMatching(message)]);
  });

  it('refuses a signature by an unknown key with 403 FORBIDDEN', async () => {
    const signer = new SignatureV4({
      credentials: { accessKeyId: 'AKIANOBODY0000001', secretAccessKey: 'whatever-secret' },
      region: 'us-east-1',
      service: 'execute-api',
      sha256: Sha256,
    });
    const origin = new URL(front.origin);
    const request = await signer.sign({
      method: 'GET',
      protocol: 'http:',
      hostname: origin.hostname,
      port: Number(origin.port),
      path: '/v2/images',
      headers: { host: origin.host },
    });
    const response = await fetch(`${front.origin}/v2/images`, { headers: request.headers });
    expect([response.status, ((await response.json()) as any).error_message]).toEqual([403, expect.stringMatching(/no development key 'AKIANOBODY0000001'/)]);
  });

  it('answers a request with neither a signature nor a token with 401 UNAUTHORIZED', async () => {
    const response = await fetch(`${front.origin}/v2/images`);
    expect([response.status, ((await response.json()) as any).error_name]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('a valid signature by a role that is not a service caller is 403 FORBIDDEN, said by the function', async () => {
    const answer = await signedCall('stranger', { path: '/v2/images' });
    expect([answer.status, answer.json.error_name, answer.json.error_message]).toEqual([
      403,
      'FORBIDDEN',
      expect.stringMatching(/role not-a-caller of account 123456789012 .* is not a service caller/),
    ]);
  });

  describe('the caller examples (examples/callers/)', () => {
    const credentialsEnv = () => ({
      REGISTRY_URL: front.origin,
      AWS_ACCESS_KEY_ID: KEYS.reader.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEYS.reader.secretAccessKey,
      AWS_REGION: 'eu-west-1',
      // No profile of the machine's may stand in for the key.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    });

    beforeAll(async () => {
      expect((await signedCall('writer', { method: 'POST', path: `/v2/images/${IMAGE}`, body: { username: 'ubuntu' } })).status).toBe(202);
      expect((await signedCall('writer', { method: 'PUT', path: `/v2/images/${IMAGE}/tags`, body: { tags: ['spark', '3.5'] } })).status).toBe(200);
    });

    it('the TypeScript Lambda handler signs with the SDK signer and finds the image and its user name', async () => {
      Object.assign(process.env, credentialsEnv());
      const { handler } = await import('../../examples/callers/find-image.ts');
      expect(await handler({ tags: ['spark', '3.5'] })).toEqual({ id: IMAGE, username: 'ubuntu' });
      expect(await handler({ tags: ['spark', 'nothing-has-this'] })).toBeNull();
    });

    it.skipIf(!hasBotocore)(`the Python caller signs with botocore's SigV4Auth and finds the image (skipped without botocore for ${botocorePython})`, () => {
      const script = fileURLToPath(new URL('../../examples/callers/find_image.py', import.meta.url));
      const run = (...tags: string[]) =>
        spawnSync(botocorePython, [script, ...tags], { encoding: 'utf8', env: { PATH: process.env.PATH, ...credentialsEnv() } });
      const found = run('spark', '3.5');
      expect(found.stderr).toBe('');
      expect(JSON.parse(found.stdout)).toEqual({ id: IMAGE, username: 'ubuntu' });
      expect(JSON.parse(run('spark', 'nothing-has-this').stdout)).toBeNull();
      const refused = spawnSync(botocorePython, [script, 'spark'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...credentialsEnv(), AWS_SECRET_ACCESS_KEY: 'wrong-secret' },
      });
      expect([refused.status, refused.stderr]).toEqual([1, expect.stringMatching(/image registry: 403 FORBIDDEN: The request signature/)]);
    });

    it.skipIf(!hasSaharaclient)(
      `python-saharaclient, unchanged, lists by tags over a signing requests session (skipped without python3-saharaclient for ${botocorePython})`,
      () => {
        const script = fileURLToPath(new URL('../../examples/callers/saharaclient_over_iam.py', import.meta.url));
        const listed = spawnSync(botocorePython, [script, 'spark', '3.5'], { encoding: 'utf8', env: { PATH: process.env.PATH, ...credentialsEnv() } });
        expect([listed.status, listed.stdout, listed.stderr]).toEqual([0, `${IMAGE} ubuntu\n`, '']);
        const refused = spawnSync(botocorePython, [script, 'spark'], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, ...credentialsEnv(), AWS_SECRET_ACCESS_KEY: 'wrong-secret' },
        });
        expect([refused.status, refused.stderr]).toEqual([1, expect.stringMatching(/APIException: The request signature we calculated does not match/)]);
      },
    );
  });
});

describe('npm start: malformed settings for service callers', () => {
  it.each([
    [
      'a development key without a role',
      { REGISTRY_DEV_IAM_KEYS: 'AKIADEV000000001:secret-0001' },
      /REGISTRY_DEV_IAM_KEYS: 'AKIADEV000000001:...' is not ACCESS_KEY:SECRET=ROLE_ARN/,
    ],
    ['a development key for a user', { REGISTRY_DEV_IAM_KEYS: 'AKIADEV000000001:secret-0001=arn:aws:iam::123456789012:user/bob' }, /not an IAM role ARN/],
    ['service callers that are not JSON', { REGISTRY_SERVICE_CALLERS: '{arn' }, /REGISTRY_SERVICE_CALLERS is not valid JSON/],
    [
      'a service caller with access admin',
      { REGISTRY_SERVICE_CALLERS: JSON.stringify({ [ROLES.reader]: { tenant: 'a', access: 'admin' } }) },
      /REGISTRY_SERVICE_CALLERS: '.*image-finder': access must be "read" or "write"/,
    ],
  ])('fails with %s, saying what is wrong, before starting anything', async (_name, env, message) => {
    const { code, output } = await runStartScript({ REGISTRY_DATA_DIR: 'memory', ...env });
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/secret-0001/);
    expect(output).not.toMatch(/DynamoDB Local|is ready/);
  });
});

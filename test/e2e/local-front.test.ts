import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningFront, runStartScript, startLocalFront } from '../support/local-front-process.ts';

const javaProcessesUsing = (dataDir: string) =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(dataDir));

describe('npm start: the local front over real HTTP', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'registry-data-'));
  let front: RunningFront;
  const tokens = { alice: 'token-alice', bob: 'token-bob' };

  beforeAll(async () => {
    front = await startLocalFront({ REGISTRY_DATA_DIR: dataDir, REGISTRY_DEV_TOKENS: `${tokens.alice}=alice,${tokens.bob}=bob` });
  });
  afterAll(async () => {
    await front?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (token: string | undefined, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${front.origin}${path}`, {
      method,
      headers: { ...(token ? { 'x-auth-token': token } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  };

  it('prints the base URL, the token and a curl line that works', async () => {
    const banner = front.output();
    expect(banner).toContain(`/v1.1/alice/images`);
    expect(banner).toContain(`token:    ${tokens.alice}  (tenant alice)`);
    const curl = /curl -s -H '([^']+)' (http\S+)/.exec(banner)!;
    const [, header, url] = curl;
    const response = await fetch(url!, { headers: { [header!.split(': ')[0]!]: header!.split(': ')[1]! } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ images: [] });
  });

  it('serves the whole journey: register, tag, find by two tags, untag, unregister', async () => {
    const base = '/v1.1/alice/images';
    const registered = await call(tokens.alice, 'POST', `${base}/spark-3.5-ubuntu-22.04`, { username: 'ubuntu', description: 'Spark 3.5' });
    expect(registered.status).toBe(202);
    expect(registered.json.image).toMatchObject({ id: 'spark-3.5-ubuntu-22.04', name: 'sahara-spark-3.5-ubuntu-22.04', username: 'ubuntu' });

    const tagged = await call(tokens.alice, 'POST', `${base}/spark-3.5-ubuntu-22.04/tag`, { tags: ['spark', '3.5'] });
    expect(tagged).toMatchObject({ status: 202, json: { image: { tags: ['3.5', 'spark'] } } });

    const found = await call(tokens.alice, 'GET', `${base}?tags=spark&tags=3.5`);
    expect(found.status).toBe(200);
    expect(found.json.images.map((image: { id: string; username: string }) => [image.id, image.username])).toEqual([['spark-3.5-ubuntu-22.04', 'ubuntu']]);

    const untagged = await call(tokens.alice, 'POST', `${base}/spark-3.5-ubuntu-22.04/untag`, { tags: ['3.5'] });
    expect(untagged).toMatchObject({ status: 202, json: { image: { tags: ['spark'] } } });
    expect((await call(tokens.alice, 'GET', `${base}?tags=spark&tags=3.5`)).json.images).toEqual([]);

    const unregistered = await call(tokens.alice, 'DELETE', `${base}/spark-3.5-ubuntu-22.04`);
    expect(unregistered.status).toBe(204);
    expect((await call(tokens.alice, 'GET', `${base}/spark-3.5-ubuntu-22.04`)).json.error_name).toBe('IMAGE_NOT_REGISTERED');
  });

  it('serves v2 with the tenant from the token: replace, get and delete tags, with the version header', async () => {
    const base = '/v2/images';
    expect(front.output()).toContain(`API v2:   ${front.origin}/v2/images`);
    expect((await call(tokens.alice, 'POST', `${base}/vanilla-2.7.1-centos-7`, { username: 'centos' })).status).toBe(202);
    const replaced = await call(tokens.alice, 'PUT', `${base}/vanilla-2.7.1-centos-7/tags`, { tags: ['vanilla', '2.7.1'] });
    expect(replaced).toMatchObject({ status: 200, json: { image: { tags: ['2.7.1', 'vanilla'] } } });
    expect(replaced.headers.get('openstack-api-version')).toBe('data-processing 2.0');
    expect(await call(tokens.alice, 'GET', `${base}/vanilla-2.7.1-centos-7/tags`)).toMatchObject({ status: 200, json: { tags: ['2.7.1', 'vanilla'] } });
    expect((await call(tokens.bob, 'GET', `${base}?tags=vanilla`)).json.images).toEqual([]);
    expect((await call(tokens.alice, 'DELETE', `${base}/vanilla-2.7.1-centos-7/tags`)).status).toBe(204);
    expect((await call(tokens.alice, 'DELETE', `${base}/vanilla-2.7.1-centos-7`)).status).toBe(204);
  });

  it('serves the image service at the printed /image: a version document leading back to this front, lookups by name', async () => {
    expect(front.output()).toContain(`images:   ${front.origin}/image `);
    for (const path of ['/image', '/image/', '/image/versions']) {
      const versions = await call(tokens.alice, 'GET', path);
      expect([path, versions.status, versions.json.versions[0].links[0].href]).toEqual([path, 200, `${front.origin}/image/v2/`]);
    }
    const found = await call(tokens.bob, 'GET', '/image/v2/images?name=sahara-storm-1.2-ubuntu-18.04');
    expect(found.json.images.map((image: { id: string }) => image.id)).toEqual(['storm-1.2-ubuntu-18.04']);
    expect((await call(tokens.bob, 'GET', '/image/v2/images/storm-1.2-ubuntu-18.04')).json).toMatchObject({ status: 'active', min_disk: 10 });
    expect((await call(undefined, 'GET', '/image/v2/images')).status).toBe(401);
  });

  it('accepts the token as Authorization: Bearer too', async () => {
    const response = await fetch(`${front.origin}/v1.1/bob/images`, { headers: { authorization: `Bearer ${tokens.bob}` } });
    expect(response.status).toBe(200);
  });

  it('answers a missing or unknown token with 401 and another tenant with 403', async () => {
    expect(await call(undefined, 'GET', '/v1.1/alice/images')).toMatchObject({ status: 401, json: { error_name: 'UNAUTHORIZED' } });
    expect(await call('nope', 'GET', '/v1.1/alice/images')).toMatchObject({ status: 401, json: { error_name: 'UNAUTHORIZED' } });
    expect(await call(tokens.bob, 'GET', '/v1.1/alice/images')).toMatchObject({ status: 403, json: { error_name: 'FORBIDDEN' } });
  });

  it('answers an unknown route with 404 and a wrong method with 405, in the normal error body', async () => {
    expect(await call(tokens.alice, 'GET', '/v1.1/alice/nodegroups')).toMatchObject({ status: 404, json: { error_code: 404, error_name: 'NOT_FOUND' } });
    expect(await call(tokens.alice, 'PATCH', '/v1.1/alice/images/x')).toMatchObject({ status: 405, json: { error_name: 'METHOD_NOT_ALLOWED' } });
  });

  it('keeps the data in REGISTRY_DATA_DIR across a restart, and SIGTERM leaves no Java behind', { timeout: 120_000 }, async () => {
    expect((await call(tokens.bob, 'POST', '/v1.1/bob/images/storm-1.2-ubuntu-18.04', { username: 'storm' })).status).toBe(202);
    expect(javaProcessesUsing(dataDir)).toHaveLength(1);
    expect(await front.stop('SIGTERM')).toBe(0);
    expect(javaProcessesUsing(dataDir)).toEqual([]);

    front = await startLocalFront({ REGISTRY_DATA_DIR: dataDir, REGISTRY_DEV_TOKENS: `${tokens.bob}=bob` });
    const images = (await call(tokens.bob, 'GET', '/v1.1/bob/images')).json.images;
    expect(images.map((image: { id: string }) => image.id)).toEqual(['storm-1.2-ubuntu-18.04']);
    expect(await front.stop('SIGINT')).toBe(0);
    expect(javaProcessesUsing(dataDir)).toEqual([]);
  });
});

describe('npm start: settings and failures', () => {
  it('serves the open catalog when REGISTRY_CATALOG=open', async () => {
    const front = await startLocalFront({ REGISTRY_DATA_DIR: 'memory', REGISTRY_CATALOG: 'open', REGISTRY_DEV_TOKENS: 't=tenant1' });
    try {
      const response = await fetch(`${front.origin}/v1.1/tenant1/images/any-image-id`, {
        method: 'POST',
        headers: { 'x-auth-token': 't', 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'u' }),
      });
      expect(response.status).toBe(202);
      expect(((await response.json()) as { image: unknown }).image).toMatchObject({ name: 'any-image-id', status: 'ACTIVE' });
    } finally {
      await front.stop();
    }
  });

  it('makes one token for one tenant when REGISTRY_DEV_TOKENS is unset, and keeps it with the data', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'registry-data-'));
    try {
      const first = await startLocalFront({ REGISTRY_DATA_DIR: dataDir, REGISTRY_DEV_TOKENS: '' });
      const token = /token:\s+(\S+)\s+\(tenant (\S+)\)/.exec(first.output()) as RegExpExecArray;
      await first.stop();
      const second = await startLocalFront({ REGISTRY_DATA_DIR: dataDir, REGISTRY_DEV_TOKENS: '' });
      expect(second.output()).toContain(`token:    ${token[1]}  (tenant ${token[2]})`);
      const response = await fetch(`${second.origin}/v1.1/${token[2]}/images`, { headers: { 'x-auth-token': token[1]! } });
      expect(response.status).toBe(200);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says clearly that Java is missing and how to install it', async () => {
    const { code, output } = await runStartScript({ PATH: '/nonexistent', REGISTRY_DATA_DIR: 'memory' });
    expect(code).toBe(1);
    expect(output).toMatch(/'java' was not found on PATH/);
    expect(output).toMatch(/apt-get install -y openjdk-17-jre-headless/);
  });

  it('refuses a catalog file that does not parse and stops its DynamoDB Local', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'registry-data-'));
    const { code, output } = await runStartScript({ REGISTRY_DATA_DIR: dataDir, REGISTRY_CATALOG: '/nonexistent/catalog.json' });
    expect(code).toBe(1);
    expect(output).toMatch(/static catalog: cannot read \/nonexistent\/catalog.json/);
    expect(javaProcessesUsing(dataDir)).toEqual([]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a malformed REGISTRY_DEV_TOKENS', async () => {
    const { code, output } = await runStartScript({ REGISTRY_DATA_DIR: 'memory', REGISTRY_DEV_TOKENS: 'just-a-token' });
    expect(code).toBe(1);
    expect(output).toMatch(/'just-a-token' is not token=tenant/);
  });
});

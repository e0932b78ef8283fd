import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_SCOPES } from '../../lib/access-scopes.ts';
import { callApi, clientTokenOf, roleCallerOf, type TestCaller, tokenOf, v1Client, v2Client } from '../support/api.ts';
import { newTenant } from '../support/fixtures.ts';
import { newClientTenant, newServiceTenant, TEST_ACCOUNT } from '../support/machine-callers.ts';
import { routeCalls } from '../support/route-calls.ts';
import { tenantItems } from '../support/table-inspection.ts';

const IMAGE = 'img-spark-35';
const { read: READ, write: WRITE } = DEFAULT_ACCESS_SCOPES;

/** Calls every route as `caller` on `tenant`'s path, and returns the statuses. */
const everyRoute = async (tenant: string, caller: TestCaller, access?: 'read' | 'write') => {
  const answers = [];
  for (const route of routeCalls().filter((candidate) => access === undefined || candidate.operation.access === access)) {
    const answer = await callApi({ ...route.call(tenant, IMAGE), tenant: null, caller });
    // The image service refuses in Glance's body, `403 Forbidden\n\n<message>`: its title is Sahara's error_name.
    const [glanceCode = '', , glanceMessage] = answer.text.split('\n');
    const error = answer.json?.error_name ?? answer.json?.title?.toUpperCase() ?? glanceCode.replace(/^\d+ /, '').toUpperCase().replaceAll(' ', '_');
    answers.push({
      route: `${route.method} ${route.path}`,
      status: answer.status,
      error,
      message: answer.json?.error_message ?? answer.json?.message ?? glanceMessage,
    });
  }
  return answers;
};

describe('service callers (IAM-signed, from serviceCallers)', () => {
  it("a write caller acts for its role's tenant on both versions: registers, tags, lists, and v2 finds the tenant from the role alone", async () => {
    const { tenant, writerRole } = newServiceTenant();
    const caller = roleCallerOf(writerRole);
    const v1 = v1Client(tenant, caller);
    expect((await v1.register(IMAGE, { username: 'ubuntu' })).status).toBe(202);
    expect((await v1.tag(IMAGE, ['spark', '3.5'])).json.image.tags).toEqual(['3.5', 'spark']);
    const v2 = v2Client('unused', {}, caller);
    const found = await v2.list('tags=spark&tags=3.5');
    expect(found.status).toBe(200);
    expect(found.json.images.map((image: { id: string; username: string }) => [image.id, image.username])).toEqual([[IMAGE, 'ubuntu']]);
    // What it wrote is the tenant's: a token of that tenant sees it.
    expect((await v1Client(tenant).show(IMAGE)).json.image.username).toBe('ubuntu');
  });

  it('a read caller reads its tenant, and gets 403 FORBIDDEN on every change, before anything is written', async () => {
    const { tenant, writerRole, readerRole } = newServiceTenant();
    expect((await v1Client(tenant, roleCallerOf(writerRole)).register(IMAGE, { username: 'ubuntu' })).status).toBe(202);
    const before = await tenantItems(tenant);

    const reads = await everyRoute(tenant, roleCallerOf(readerRole), 'read');
    expect(reads.map(({ status }) => status)).toEqual(reads.map(() => 200));
    const changes = await everyRoute(tenant, roleCallerOf(readerRole), 'write');
    expect(changes.length).toBeGreaterThanOrEqual(4);
    for (const change of changes) {
      expect([change.status, change.error], change.route).toEqual([403, 'FORBIDDEN']);
      expect(change.message).toMatch(new RegExp(`service caller ${readerRole} may read only`));
    }
    expect(await tenantItems(tenant)).toEqual(before);
  });

  it("a caller of tenant A gets 403 FORBIDDEN on tenant B's v1.1 path", async () => {
    const a = newServiceTenant();
    const b = newServiceTenant();
    expect((await v1Client(b.tenant, roleCallerOf(b.writerRole)).register(IMAGE, { username: 'b-user' })).status).toBe(202);
    const before = await tenantItems(b.tenant);
    const crossing = (await everyRoute(b.tenant, roleCallerOf(a.writerRole))).filter(({ route }) => route.includes('{tenant_id}'));
    expect(crossing.length).toBeGreaterThanOrEqual(6);
    for (const answer of crossing)
      expect([answer.status, answer.error, answer.message], answer.route).toEqual([403, 'FORBIDDEN', expect.stringContaining(b.tenant)]);
    expect(await tenantItems(b.tenant)).toEqual(before);
  });

  it.each([
    [
      'a role that is not a service caller',
      `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/someone-else/session`,
      /The role someone-else of account 111122223333 .* is not a service caller/,
    ],
    [
      "a service caller's role name in another account",
      `arn:aws:sts::999988887777:assumed-role/${newServiceTenant().writerRole.split('/').at(-1)}/session`,
      /is not a service caller/,
    ],
    ['an IAM user', `arn:aws:iam::${TEST_ACCOUNT}:user/alice`, /is not an IAM role; service callers call with a role/],
    ['the account root', `arn:aws:iam::${TEST_ACCOUNT}:root`, /is not an IAM role/],
  ])('refuses %s with 403 FORBIDDEN on every route, writing nothing', async (_name, userArn, message) => {
    const tenant = newTenant();
    for (const answer of await everyRoute(tenant, { kind: 'iam', userArn })) {
      expect([answer.status, answer.error], answer.route).toEqual([403, 'FORBIDDEN']);
      expect(answer.message).toMatch(message);
    }
    expect(await tenantItems(tenant)).toEqual([]);
  });
});

describe('machine clients (OAuth client-credentials tokens, from clientTenants)', () => {
  it('a token with no tenant claim acts for the tenant its client_id is mapped to', async () => {
    const { tenant, clientId } = newClientTenant();
    const client = clientTokenOf(clientId);
    expect((await v2Client('unused', {}, client).register(IMAGE, { username: 'centos' })).status).toBe(202);
    expect((await v1Client(tenant, client).list()).json.images.map((image: { id: string }) => image.id)).toEqual([IMAGE]);
    expect((await v1Client(tenant).show(IMAGE)).json.image.username).toBe('centos');
  });

  it('a token that carries the tenant claim keeps it, whatever its client is mapped to', async () => {
    const mapped = newClientTenant();
    const own = newTenant();
    const token: TestCaller = { kind: 'token', claims: { sub: 'u', tenant_id: own, client_id: mapped.clientId }, scopes: [READ, WRITE] };
    expect((await v2Client('unused', {}, token).register(IMAGE, { username: 'mine' })).status).toBe(202);
    expect(await tenantItems(mapped.tenant)).toEqual([]);
    expect((await v1Client(own).show(IMAGE)).json.image.username).toBe('mine');
  });

  it('a client mapped to no tenant, whose token names none, gets 403 FORBIDDEN on every route', async () => {
    for (const answer of await everyRoute(newTenant(), clientTokenOf('unmapped-client'))) {
      expect([answer.status, answer.error, answer.message], answer.route).toEqual([
        403,
        'FORBIDDEN',
        expect.stringMatching(/client 'unmapped-client' is not mapped/),
      ]);
    }
  });

  it('a token with neither a tenant claim nor a client id is 401 UNAUTHORIZED', async () => {
    const answer = await callApi({ method: 'GET', path: '/v2/images', tenant: null, caller: { kind: 'token', claims: { sub: 'u' }, scopes: [READ, WRITE] } });
    expect([answer.status, answer.json.error_name]).toEqual([401, 'UNAUTHORIZED']);
  });
});

describe("the token's scopes, checked by the functions as well as by the authorizer", () => {
  it.each([
    ['a token', () => (({ tenant }) => ({ tenant, caller: tokenOf(tenant, [READ]) }))({ tenant: newTenant() })],
    ['a machine client', () => (({ tenant, clientId }) => ({ tenant, caller: clientTokenOf(clientId, [READ]) }))(newClientTenant())],
  ])('%s with the read scope only reads, and gets 403 FORBIDDEN naming the write scope on every change', async (_name, makeCaller) => {
    const { tenant, caller } = makeCaller();
    // Past the scope check: the operation answered (show of an image nobody registered is 400).
    for (const read of await everyRoute(tenant, caller, 'read')) expect([200, 400], read.route).toContain(read.status);
    for (const change of await everyRoute(tenant, caller, 'write')) {
      expect([change.status, change.error, change.message], change.route).toEqual([
        403,
        'FORBIDDEN',
        expect.stringMatching(/lacks the 'image-registry\/write' scope/),
      ]);
    }
    expect(await tenantItems(tenant)).toEqual([]);
  });

  it('a token with the write scope only gets 403 FORBIDDEN on reads (the authorizer asks the read scope there)', async () => {
    const tenant = newTenant();
    for (const answer of await everyRoute(tenant, tokenOf(tenant, [WRITE]), 'read')) {
      expect([answer.status, answer.message], answer.route).toEqual([403, expect.stringMatching(/lacks the 'image-registry\/read' scope/)]);
    }
  });

  it("reads the scopes from the token's scope claim or an scp list when API Gateway's list is empty", async () => {
    const tenant = newTenant();
    for (const claims of [{ scope: `openid ${READ} ${WRITE}` }, { scp: `[${READ} ${WRITE}]` }] as Record<string, string>[]) {
      const caller: TestCaller = { kind: 'token', claims: { sub: 'u', tenant_id: tenant, ...claims }, scopes: [] };
      expect((await v1Client(tenant, caller).register(IMAGE, { username: 'ubuntu' })).status).toBe(202);
    }
    const none: TestCaller = { kind: 'token', claims: { sub: 'u', tenant_id: tenant }, scopes: [] };
    expect((await v1Client(tenant, none).list()).status).toBe(403);
  });
});

import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../infra/local/lambda-event.ts';
import { DEFAULT_ACCESS_SCOPES } from '../../lib/access-scopes.ts';
import { withDeadline } from '../../lib/deadline.ts';
import { httpHandler } from '../../lib/http/http-handler.ts';
import { ConcurrentUpdateError, StaleRecordError } from '../../lib/registry/errors.ts';
import type { ImageStore } from '../../lib/registry/image-store.ts';
import { ANSWER_RESERVE_MS } from '../../lib/time-budget.ts';
import { type ApiAnswer, type ApiCall, callApi, v1Client } from '../support/api.ts';
import { useFaultProxy } from '../support/fault-proxy-fixture.ts';
import { newTenant, testRegistry, testStore } from '../support/fixtures.ts';
import { expectIndexMatchesRecords, tenantItems } from '../support/table-inspection.ts';

// The handlers of this file reach DynamoDB Local through the fault proxy; seeding and table inspection reach it directly.
const proxy = await useFaultProxy();

const DEFAULT_SCOPES = [DEFAULT_ACCESS_SCOPES.read, DEFAULT_ACCESS_SCOPES.write];

/** Time the test gives each invocation: less than one SDK attempt against a hung service (2.5 s) takes. */
const TIMEOUT_MS = 2_000;

/**
 * Calls a handler as Lambda would with TIMEOUT_MS left, and fails as Lambda's timeout would if no
 * answer comes in that time: then API Gateway would have answered a bare 500.
 */
const callBeforeTimeout = async (call: Omit<ApiCall, 'timeoutMs'>): Promise<ApiAnswer> => {
  let timer: NodeJS.Timeout | undefined;
  const lambdaTimeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within the invocation's ${TIMEOUT_MS} ms: Lambda would have timed out`)), TIMEOUT_MS);
  });
  try {
    return await Promise.race([callApi({ ...call, timeoutMs: TIMEOUT_MS }), lambdaTimeout]);
  } finally {
    clearTimeout(timer);
  }
};

const expectRetryLater = (answer: ApiAnswer, message: RegExp) => {
  expect(answer.status).toBe(503);
  expect(answer.headers['retry-after']).toBe('1');
  expect(answer.headers['cache-control']).toBe('no-store');
  expect(answer.json).toEqual({ error_code: 503, error_name: 'SERVICE_UNAVAILABLE', error_message: expect.stringMatching(message) });
};

const seeded = async () => {
  const tenant = newTenant();
  const api = v1Client(tenant);
  expect((await api.register('img-spark-35', { username: 'ubuntu' })).status).toBe(202);
  expect((await api.tag('img-spark-35', ['spark'])).status).toBe(202);
  return { tenant, before: await tenantItems(tenant) };
};

describe('a dependency slower than the time the invocation has left', () => {
  it('a read: 503 + Retry-After in Sahara body before the timeout, the slow call cut short', async () => {
    const { tenant } = await seeded();
    proxy.inject('slow', ['GetItem'], { delayMs: 10_000 });
    proxy.reset();
    const answer = await callBeforeTimeout({ method: 'GET', path: `/v1.1/${tenant}/images/img-spark-35`, tenant });
    expectRetryLater(answer, /^The database is unavailable; try again shortly\nError ID: req-/);
    // The SDK's first attempt was aborted at the deadline; no retry started after it.
    expect(proxy.received).toEqual(['GetItem']);
  });

  it('a change whose write hangs: 503 before the timeout, and nothing written', async () => {
    const { tenant, before } = await seeded();
    proxy.inject('hang', ['TransactWriteItems']);
    proxy.reset();
    const answer = await callBeforeTimeout({ method: 'POST', path: `/v1.1/${tenant}/images/img-spark-35/tag`, tenant, body: { tags: ['late'] } });
    expectRetryLater(answer, /^The database is unavailable/);
    expect(proxy.received).toEqual(['GetItem', 'TransactWriteItems']);
    proxy.clear();
    expect(await tenantItems(tenant)).toEqual(before);
    await expectIndexMatchesRecords(tenant);
    expect((await v1Client(tenant).tag('img-spark-35', ['late'])).status).toBe(202);
  });

  it('a list whose pages come slowly: 503 before the timeout', async () => {
    const { tenant } = await seeded();
    proxy.inject('slow', ['Query'], { delayMs: 10_000 });
    expectRetryLater(await callBeforeTimeout({ method: 'GET', path: `/v1.1/${tenant}/images`, tenant }), /^The database is unavailable/);
  });
});

describe("the registry's retries against other writers", () => {
  it('stop when the next attempt would not fit before the deadline, far short of the 40 allowed', async () => {
    const tenant = newTenant();
    const store = testStore();
    const record = await testRegistry().registerImage(tenant, 'img-spark-35', { username: 'ubuntu' });
    let writes = 0;
    // Another writer wins every race: each guarded write finds the record moved on. The reads are
    // served from memory, so that only the retries' own waits take the time.
    const contended: ImageStore = {
      ...store,
      getImage: async () => record,
      async writeTags() {
        writes++;
        throw new StaleRecordError('img-spark-35');
      },
    };
    const registry = testRegistry({ store: contended, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms + 100)) });
    const invocation = lambdaContext('tag-image', ANSWER_RESERVE_MS + 600);
    const started = performance.now();
    const failure = await withDeadline(invocation, () => registry.tagImage(tenant, 'img-spark-35', ['x'])).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConcurrentUpdateError);
    expect(writes).toBeGreaterThan(1);
    expect(writes).toBeLessThan(40);
    expect(performance.now() - started).toBeLessThan(ANSWER_RESERVE_MS + 600);
  });
});

describe('the last resort: work that does not stop at its deadline', () => {
  it("is answered 503 in Sahara's body just before the timeout, by middy's early timeout", async () => {
    const handler = httpHandler('show-image', () => new Promise<never>(() => undefined));
    const tenant = newTenant();
    const answer = await handler(
      {
        version: '2.0',
        routeKey: 'GET /v1.1/{tenant_id}/images/{image_id}',
        rawPath: `/v1.1/${tenant}/images/img-spark-35`,
        rawQueryString: '',
        headers: {},
        pathParameters: { tenant_id: tenant, image_id: 'img-spark-35' },
        requestContext: { requestId: 'r-stuck', authorizer: { jwt: { claims: { tenant_id: tenant }, scopes: [...DEFAULT_SCOPES] } } },
        isBase64Encoded: false,
      } as never,
      lambdaContext('show-image', 1_000),
    );
    expect(answer.statusCode).toBe(503);
    expect(answer.headers).toMatchObject({ 'retry-after': '1', 'cache-control': 'no-store' });
    expect(JSON.parse(answer.body!)).toEqual({
      error_code: 503,
      error_name: 'SERVICE_UNAVAILABLE',
      error_message: 'The request could not be completed in time; try again shortly\nError ID: req-r-stuck',
    });
  });
});

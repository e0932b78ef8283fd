import { describe, expect, it, vi } from 'vitest';
import type { ImageCatalog } from '../../lib/catalog/image-catalog.ts';
import { renderError } from '../../lib/http/proxy-result.ts';
import { log } from '../../lib/log.ts';
import { DependencyUnavailableError, ImageNotFoundError } from '../../lib/registry/errors.ts';
import { type ApiAnswer, callApi, v1Client } from '../support/api.ts';
import type { Fault } from '../support/fault-proxy.ts';
import { useFaultProxy } from '../support/fault-proxy-fixture.ts';
import { newTenant, testCatalog, testRegistry } from '../support/fixtures.ts';
import { expectIndexMatchesRecords, tenantItems } from '../support/table-inspection.ts';

// The handlers of this file reach DynamoDB Local through the fault proxy; seeding and table inspection reach it directly.
const proxy = await useFaultProxy();

/** lib/store/dynamodb-client.ts: the SDK tries each call this often before giving up. */
const SDK_ATTEMPTS = 3;

const expectServiceUnavailable = (answer: ApiAnswer, dependency = 'database') => {
  expect(answer.status).toBe(503);
  expect(answer.headers['retry-after']).toBe('1');
  expect(answer.json).toEqual({
    error_code: 503,
    error_name: 'SERVICE_UNAVAILABLE',
    error_message: expect.stringMatching(new RegExp(`^The ${dependency} is unavailable; try again shortly\\nError ID: req-\\S+$`)),
  });
};

/** A tenant with one registered, tagged image, and a snapshot of its items. */
const seeded = async () => {
  const tenant = newTenant();
  const api = v1Client(tenant);
  expect((await api.register('img-spark-35', { username: 'ubuntu', description: 'before' })).status).toBe(202);
  expect((await api.tag('img-spark-35', ['spark', '3.5'])).status).toBe(202);
  return { tenant, api, before: await tenantItems(tenant) };
};

describe('DynamoDB throttling, failing or unreachable', () => {
  const faults: Fault[] = ['throttle', 'server-error', 'reset'];

  it.each(faults)('%s: 503 SERVICE_UNAVAILABLE with Retry-After after the SDK retries, then service again', async (fault) => {
    const { tenant, api, before } = await seeded();
    proxy.inject(fault);
    proxy.reset();
    expectServiceUnavailable(await api.tag('img-spark-35', ['new']));
    expect(proxy.received).toEqual(Array(SDK_ATTEMPTS).fill('GetItem'));
    expectServiceUnavailable(await api.list('tags=spark'));
    expectServiceUnavailable(await api.show('img-spark-35'));

    proxy.clear();
    expect(await tenantItems(tenant)).toEqual(before);
    const after = await api.tag('img-spark-35', ['new']);
    expect(after.status).toBe(202);
    expect(after.json.image.tags).toEqual(['3.5', 'new', 'spark']);
    await expectIndexMatchesRecords(tenant);
  });

  it('a timeout (DynamoDB never answers) is a 503 after the SDK retries', { timeout: 60_000 }, async () => {
    const { api } = await seeded();
    proxy.inject('hang', ['GetItem']);
    proxy.reset();
    expectServiceUnavailable(await api.show('img-spark-35'));
    expect(proxy.received).toEqual(Array(SDK_ATTEMPTS).fill('GetItem'));
    proxy.clear();
    expect((await api.show('img-spark-35')).status).toBe(200);
  });

  it.each([
    ['tag', 'TransactWriteItems', (api: ReturnType<typeof v1Client>) => api.tag('img-spark-35', ['new', 'other'])],
    ['untag', 'TransactWriteItems', (api: ReturnType<typeof v1Client>) => api.untag('img-spark-35', ['spark'])],
    ['unregister', 'TransactWriteItems', (api: ReturnType<typeof v1Client>) => api.unregister('img-spark-35')],
    ['register', 'UpdateItem', (api: ReturnType<typeof v1Client>) => api.register('img-spark-35', { username: 'other', description: 'after' })],
  ] as const)('a %s whose write (%s) fails leaves nothing half-written', async (_name, operation, change) => {
    for (const fault of ['throttle', 'server-error', 'reset'] as const) {
      const { tenant, api, before } = await seeded();
      proxy.inject(fault, [operation]);
      proxy.reset();
      expectServiceUnavailable(await change(api));
      expect(proxy.received.filter((received) => received === operation)).toHaveLength(SDK_ATTEMPTS);
      proxy.clear();
      expect(await tenantItems(tenant)).toEqual(before);
      await expectIndexMatchesRecords(tenant);
      expect((await change(api)).status).toBeLessThan(300);
      await expectIndexMatchesRecords(tenant);
    }
  });

  it('a tag change whose answer is lost after DynamoDB applied it is all or nothing', async () => {
    const { tenant, api } = await seeded();
    proxy.inject('drop-response', ['TransactWriteItems']);
    const answer = await api.tag('img-spark-35', ['new', 'other']);
    proxy.clear();
    // The SDK retries with the same idempotency token, so the retry may see the first write succeed.
    expect([202, 503]).toContain(answer.status);
    const tags = (await api.show('img-spark-35')).json.image.tags;
    expect([
      ['3.5', 'new', 'other', 'spark'],
      ['3.5', 'spark'],
    ]).toContainEqual(tags);
    if (answer.status === 202) expect(tags).toEqual(['3.5', 'new', 'other', 'spark']);
    await expectIndexMatchesRecords(tenant);
  });
});

/** A 500 that says nothing of its cause; only the log does. */
const expectInternalError = (answer: ApiAnswer) => {
  expect(answer.status).toBe(500);
  expect(answer.headers['retry-after']).toBeUndefined();
  expect(answer.json).toEqual({
    error_code: 500,
    error_name: 'INTERNAL_SERVER_ERROR',
    error_message: expect.stringMatching(/^Internal error\nError ID: req-\S+$/),
  });
};

describe('a permanent DynamoDB refusal (a missing permission)', () => {
  it('is a 500 saying nothing internal, logged as an error with its cause, after one attempt; nothing is written', async () => {
    const { tenant, api, before } = await seeded();
    const errors = vi.spyOn(log, 'error').mockImplementation(() => undefined);
    const warnings = vi.spyOn(log, 'warn').mockImplementation(() => undefined);
    try {
      proxy.inject('access-denied');
      proxy.reset();
      const answer = await api.tag('img-spark-35', ['new']);
      expectInternalError(answer);
      expect(answer.text).not.toContain('AccessDenied');
      expect(answer.text).not.toContain('dynamodb');
      // A retry would not grant the permission: the SDK does not retry it, and neither does the registry.
      expect(proxy.received).toEqual(['GetItem']);
      expectInternalError(await api.list());
      expectInternalError(await api.register('img-spark-35', { username: 'other' }));
      expect(errors).toHaveBeenCalledWith(
        'request failed',
        expect.objectContaining({ status: 500, error: expect.objectContaining({ name: 'AccessDeniedException' }) }),
      );
      expect(warnings).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
      warnings.mockRestore();
    }
    proxy.clear();
    expect(await tenantItems(tenant)).toEqual(before);
  });

  it('while a throttled DynamoDB is logged as a warning and answered 503', async () => {
    const { api } = await seeded();
    const errors = vi.spyOn(log, 'error').mockImplementation(() => undefined);
    const warnings = vi.spyOn(log, 'warn').mockImplementation(() => undefined);
    try {
      proxy.inject('throttle');
      expectServiceUnavailable(await api.show('img-spark-35'));
      expect(warnings).toHaveBeenCalledWith(
        'request failed, to be retried',
        expect.objectContaining({
          status: 503,
          error: expect.objectContaining({ name: 'DependencyUnavailableError', cause: expect.objectContaining({ name: 'ThrottlingException' }) }),
        }),
      );
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
      warnings.mockRestore();
    }
  });
});

describe('tenancy is decided before anything is read', () => {
  it('answers 403 for another tenant on every v1.1 route without a single DynamoDB request', async () => {
    const { routesWithTenantInPath } = await import('../support/route-calls.ts');
    const { tenant: owner, before } = await seeded();
    const intruder = newTenant();
    proxy.inject('reset');
    proxy.reset();
    const routes = routesWithTenantInPath();
    expect(routes.length).toBeGreaterThanOrEqual(6);
    for (const route of routes) {
      const answer = await callApi({ ...route.call(owner, 'img-spark-35'), tenant: intruder });
      expect(answer.status, `${route.method} ${route.path}`).toBe(403);
      expect(answer.json.error_name).toBe('FORBIDDEN');
    }
    expect(proxy.received).toEqual([]);
    proxy.clear();
    expect(await tenantItems(owner)).toEqual(before);
  });
});

describe('a failing image catalog', () => {
  const failingCatalog = () => {
    const real = testCatalog();
    const state = { failing: true };
    const catalog: ImageCatalog = {
      isWellFormedId: (id) => real.isWellFormedId(id),
      describeImage: async (id) => {
        if (state.failing) throw Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:443'), { name: 'TimeoutError' });
        return real.describeImage(id);
      },
    };
    return { catalog, state };
  };

  it('is DependencyUnavailableError (503 + Retry-After) on every operation that asks it, and writes nothing', async () => {
    const tenant = newTenant();
    const { catalog, state } = failingCatalog();
    const registry = testRegistry({ catalog });
    const attempts = [
      () => registry.registerImage(tenant, 'img-plain', { username: 'u' }),
      () => registry.tagImage(tenant, 'img-plain', ['a']),
      () => registry.untagImage(tenant, 'img-plain', ['a']),
      () => registry.unregisterImage(tenant, 'img-plain'),
      () => registry.showImage(tenant, 'img-plain'),
    ];
    for (const attempt of attempts) {
      const error = await attempt().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      const rendered = renderError(error, 'r1');
      expect(rendered.statusCode).toBe(503);
      expect(rendered.headers).toMatchObject({ 'retry-after': '1' });
      expect(JSON.parse(rendered.body!)).toEqual({
        error_code: 503,
        error_name: 'SERVICE_UNAVAILABLE',
        error_message: 'The image catalog is unavailable; try again shortly\nError ID: req-r1',
      });
      expect(rendered.body).not.toContain('ETIMEDOUT');
    }
    expect(await tenantItems(tenant)).toEqual([]);

    state.failing = false;
    expect((await registry.registerImage(tenant, 'img-plain', { username: 'u' })).username).toBe('u');
  });

  it('is an internal error (500), not a 503, when the catalog refuses us for good (a missing permission, a bug); nothing is written', async () => {
    const tenant = newTenant();
    const permanentFailures = [
      Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } }),
      new TypeError("Cannot read properties of undefined (reading 'Images')"),
    ];
    for (const failure of permanentFailures) {
      const catalog: ImageCatalog = {
        isWellFormedId: () => true,
        describeImage: async () => {
          throw failure;
        },
      };
      const registry = testRegistry({ catalog });
      for (const attempt of [() => registry.registerImage(tenant, 'img-plain', { username: 'u' }), () => registry.tagImage(tenant, 'img-plain', ['a'])]) {
        const error = await attempt().then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error).toBe(failure);
        const rendered = renderError(error, 'r1');
        expect(rendered.statusCode).toBe(500);
        expect(rendered.headers).not.toHaveProperty('retry-after');
        expect(JSON.parse(rendered.body!).error_message).toBe('Internal error\nError ID: req-r1');
      }
    }
    expect(await tenantItems(tenant)).toEqual([]);
  });

  it("passes the registry's own errors from a catalog through unchanged", async () => {
    const catalog: ImageCatalog = {
      isWellFormedId: () => true,
      describeImage: async (id) => {
        throw new ImageNotFoundError(id);
      },
    };
    await expect(testRegistry({ catalog }).registerImage(newTenant(), 'img-gone', { username: 'u' })).rejects.toBeInstanceOf(ImageNotFoundError);
  });
});

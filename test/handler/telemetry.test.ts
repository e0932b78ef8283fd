import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { lambdaContext } from '../../infra/local/lambda-event.ts';
import { metricDefinitions } from '../../lib/metric-names.ts';
import { StaleRecordError } from '../../lib/registry/errors.ts';
import { amiStateChange } from '../support/ami-state-change-event.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';

// What the stack gives the functions (METRICS_NAMESPACE), at the default log level, on the open
// catalog (AMI ids for the sync), through the fault proxy: read when lib/ is first loaded, so
// everything that loads lib/ is imported after these are set.
const NAMESPACE = 'ImageRegistryTest';
const proxy = await startFaultProxy(inject('dynamodbEndpoint'));
Object.assign(process.env, { METRICS_NAMESPACE: NAMESPACE, LOG_LEVEL: 'info', REGISTRY_CATALOG: 'open', DYNAMODB_ENDPOINT: proxy.endpoint });
const { callApi, v1Client, v2Client } = await import('../support/api.ts');
const { newAmiId, newTenant, testStore } = await import('../support/fixtures.ts');
const { handler: syncAmiState } = await import('../../functions/sync-ami-state.ts');
const { createImageRegistry } = await import('../../lib/registry/image-registry.ts');
const { openCatalog } = await import('../../lib/catalog/open-catalog.ts');
const { instrument } = await import('../../lib/instrument.ts');
afterAll(() => proxy.close());

/** Every line the functions write, parsed; both streams. */
const lines: Record<string, any>[] = [];
for (const stream of [process.stdout, process.stderr]) {
  vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const text of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(text));
    return true;
  });
}
beforeEach(() => {
  lines.length = 0;
  proxy.clear();
});

const metricLines = () => lines.filter((line) => '_aws' in line);
const logLines = () => lines.filter((line) => !('_aws' in line));
const onlyMetricLine = () => {
  expect(metricLines()).toHaveLength(1);
  return metricLines()[0]!;
};

const UNITS = new Set(['Count', 'Milliseconds']);

/**
 * CloudWatch's embedded metric format: the `_aws` block with a millisecond timestamp and metric
 * directives; every dimension a root string; every metric a root number (or list of numbers).
 */
const expectValidEmf = (line: Record<string, any>) => {
  expect(Number.isInteger(line._aws.Timestamp)).toBe(true);
  expect(Math.abs(Date.now() - line._aws.Timestamp)).toBeLessThan(60_000);
  expect(line._aws.CloudWatchMetrics.length).toBeGreaterThan(0);
  for (const directive of line._aws.CloudWatchMetrics) {
    expect(directive.Namespace).toBe(NAMESPACE);
    expect(directive.Dimensions.length).toBeGreaterThan(0);
    for (const dimensionSet of directive.Dimensions) {
      for (const dimension of dimensionSet) expect(typeof line[dimension], dimension).toBe('string');
    }
    expect(directive.Metrics.length).toBeGreaterThan(0);
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const { Name, Unit } of directive.Metrics) {
      expect(UNITS.has(Unit), `${Name} ${Unit}`).toBe(true);
      const values = [line[Name]].flat();
      expect(values.length, Name).toBeGreaterThan(0);
      for (const value of values) expect(Number.isFinite(value), Name).toBe(true);
    }
  }
};

/** The metrics of one directive: { Requests: 1, ... }, by the dimensions it names. */
const metricsBy = (line: Record<string, any>, dimension: string): Record<string, unknown> => {
  const directive = line._aws.CloudWatchMetrics.find((candidate: { Dimensions: string[][] }) => candidate.Dimensions.some((set) => set.join() === dimension));
  return Object.fromEntries((directive?.Metrics ?? []).map(({ Name }: { Name: string }) => [Name, line[Name]]));
};

const apiRequestIdOf = (answer: { headers: Record<string, string> }) => answer.headers['x-openstack-request-id']!.replace(/^req-/, '');

describe('metric lines (EMF) of HTTP functions', () => {
  it('a successful registration writes one valid EMF line: one request and one timed catalog lookup, by operation', async () => {
    const tenant = newTenant();
    const answer = await v1Client(tenant).register('img-emf', { username: 'ubuntu' });
    expect(answer.status).toBe(202);
    const line = onlyMetricLine();
    expectValidEmf(line);
    expect(line._aws.CloudWatchMetrics).toHaveLength(1);
    expect(line._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Operation']]);
    expect(line).toMatchObject({ Operation: 'register-image', Requests: 1, CatalogLookups: 1, CatalogLatency: [expect.any(Number)] });
    expect(line).not.toHaveProperty('ErrorName');
    expect(line).not.toHaveProperty('ClientErrors');
    expect(line).toMatchObject({ apiRequestId: apiRequestIdOf(answer), tenant, status: 202 });
    expect(line.lambdaRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(line.lambdaRequestId).not.toBe(line.apiRequestId);
  });

  it('a refusal counts a 4xx by operation and by error name', async () => {
    const answer = await v1Client(newTenant()).register('img-emf', { username: '' });
    expect(answer.json.error_name).toBe('VALIDATION_ERROR');
    const line = onlyMetricLine();
    expectValidEmf(line);
    expect(line).toMatchObject({ Operation: 'register-image', ErrorName: 'VALIDATION_ERROR', status: 400 });
    expect(metricsBy(line, 'Operation')).toEqual({ Requests: 1, ClientErrors: 1 });
    expect(metricsBy(line, 'ErrorName')).toEqual({ ClientErrors: 1 });
  });

  it('an unknown path is counted under route-not-found, 4xx NOT_FOUND', async () => {
    await callApi({ method: 'GET', path: '/v3/images', tenant: newTenant() });
    const line = onlyMetricLine();
    expectValidEmf(line);
    expect(line).toMatchObject({ Operation: 'route-not-found', ErrorName: 'NOT_FOUND', Requests: 1, ClientErrors: 1 });
  });

  it('DynamoDB throttling left after the SDK retries is counted with the 503 it causes; a DynamoDB failure separately', async () => {
    const api = v1Client(newTenant());
    proxy.inject('throttle');
    expect((await api.show('img-emf')).status).toBe(503);
    let line = onlyMetricLine();
    expectValidEmf(line);
    expect(line).toMatchObject({ Operation: 'show-image', ErrorName: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(metricsBy(line, 'Operation')).toMatchObject({ Requests: 1, ServerErrors: 1, DynamoDbThrottles: 1 });
    expect(metricsBy(line, 'Operation')).not.toHaveProperty('DynamoDbFailures');
    expect(metricsBy(line, 'ErrorName')).toEqual({ ServerErrors: 1 });

    lines.length = 0;
    proxy.inject('server-error');
    expect((await api.show('img-emf')).status).toBe(503);
    line = onlyMetricLine();
    expect(metricsBy(line, 'Operation')).toEqual({ Requests: 1, ServerErrors: 1, DynamoDbFailures: 1 });
    expect(metricsBy(line, 'ErrorName')).toEqual({ ServerErrors: 1 });
  });

  it('the first invocation of an operation counts a cold start and says so; the next does not', async () => {
    const api = v2Client(newTenant());
    await api.getTags('img-cold');
    await api.getTags('img-cold');
    const [first, second] = metricLines();
    expect(first).toMatchObject({ Operation: 'get-image-tags', coldStart: true, ColdStarts: 1 });
    expect(second).toMatchObject({ Operation: 'get-image-tags', coldStart: false });
    expect(second).not.toHaveProperty('ColdStarts');
  });

  it('every metric the functions write is one of lib/metric-names.ts, under its unit', async () => {
    await v1Client(newTenant()).tag('img-emf', ['spark']);
    const defined = new Map(Object.values(metricDefinitions).map(({ name, unit }) => [name, unit]));
    for (const directive of onlyMetricLine()._aws.CloudWatchMetrics) {
      for (const { Name, Unit } of directive.Metrics) expect(defined.get(Name), Name).toBe(Unit);
    }
  });
});

describe('log lines', () => {
  it('every line of an invocation carries both request ids, the operation, the cold-start flag, the caller and the tenant', async () => {
    const tenant = newTenant();
    const answer = await v1Client(tenant).tag('img-logged', ['not a tag']);
    expect(answer.status).toBe(400);
    const [refusal] = logLines();
    expect(refusal).toMatchObject({
      level: 'info',
      message: 'request refused',
      operation: 'tag-image',
      apiRequestId: apiRequestIdOf(answer),
      lambdaRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      coldStart: expect.any(Boolean),
      caller: 'tester',
      tenant,
      status: 400,
      errorName: 'VALIDATION_ERROR',
    });
    expect(refusal!.lambdaRequestId).toBe(onlyMetricLine().lambdaRequestId);
  });

  it('a change logs the tenant, the image, what changed and who, and never the token', async () => {
    const tenant = newTenant();
    const token = `secret-${randomUUID()}`;
    const headers = { 'x-auth-token': token, authorization: `Bearer ${token}` };
    const call = (method: string, path: string, body?: unknown) => callApi({ method, path: `/v1.1/${tenant}/images/img-audit${path}`, tenant, body, headers });
    expect((await call('POST', '', { username: 'ubuntu', description: 'Spark 3.5' })).status).toBe(202);
    expect((await call('POST', '/tag', { tags: ['spark', '3.5'] })).status).toBe(202);
    expect((await call('POST', '/untag', { tags: ['3.5'] })).status).toBe(202);
    expect((await call('DELETE', '')).status).toBe(204);

    const changes = logLines().map(({ message, operation, caller, tenant, imageId, username, description, added, removed, tags }) => ({
      message,
      operation,
      caller,
      tenant,
      imageId,
      username,
      description,
      added,
      removed,
      tags,
    }));
    const who = { caller: 'tester', tenant, imageId: 'img-audit' };
    expect(changes).toEqual([
      { ...who, message: 'image registered', operation: 'register-image', username: 'ubuntu', description: 'Spark 3.5' },
      { ...who, message: 'image tags changed', operation: 'tag-image', added: ['3.5', 'spark'], removed: [], tags: ['3.5', 'spark'] },
      { ...who, message: 'image tags changed', operation: 'untag-image', added: [], removed: ['3.5'], tags: ['spark'] },
      { ...who, message: 'image unregistered', operation: 'unregister-image', username: 'ubuntu', tags: ['spark'] },
    ]);
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it('a transient failure is logged as a warning with its named cause and no internal detail reaches the caller', async () => {
    proxy.inject('server-error');
    const answer = await v1Client(newTenant()).show('img-logged');
    expect(answer.json.error_message).not.toMatch(/InternalServerError|dynamodb/i);
    const [failure] = logLines();
    // A 503 the caller retries is a warning; a 500 (a fault of ours) is an error (test/handler/dependency-faults.test.ts).
    expect(failure).toMatchObject({
      level: 'warn',
      message: 'request failed, to be retried',
      operation: 'show-image',
      errorName: 'SERVICE_UNAVAILABLE',
      error: { name: 'DependencyUnavailableError', cause: { name: 'InternalServerError' } },
    });
  });
});

describe('optimistic concurrency', () => {
  /** The registry over a store whose tag writes lose their race `losses` times. */
  const contendedRegistry = (losses: number, maxAttempts = 40) => {
    const store = testStore();
    let lost = 0;
    const writeTags: typeof store.writeTags = async (...args) => {
      if (lost++ < losses) throw new StaleRecordError(args[1].id);
      return store.writeTags(...args);
    };
    return createImageRegistry({ store: { ...store, writeTags }, catalog: openCatalog, maxAttempts, sleep: async () => {} });
  };
  const inInvocation = <T>(work: () => Promise<T>) => instrument('tag-image', work)(undefined, lambdaContext('tag-image'));

  it('counts every lost race as a write conflict, as it happens, not only when the retries run out', async () => {
    const registry = contendedRegistry(2);
    const image = await inInvocation(() => registry.tagImage(newTenant(), 'img-contended', ['spark']));
    expect(image.tags).toEqual(['spark']);
    expect(onlyMetricLine()).toMatchObject({ Operation: 'tag-image', WriteConflicts: 2 });
    expect(onlyMetricLine()).not.toHaveProperty('WriteRetriesExhausted');
  });

  it('counts the change that gave up after its last attempt', async () => {
    const registry = contendedRegistry(Number.POSITIVE_INFINITY, 3);
    await expect(inInvocation(() => registry.tagImage(newTenant(), 'img-contended', ['spark']))).rejects.toThrow(/gave up after 3 attempts/);
    expect(onlyMetricLine()).toMatchObject({ WriteConflicts: 3, WriteRetriesExhausted: 1 });
  });
});

describe('the AMI sync function', () => {
  const sync = (event: unknown) => syncAmiState(event, lambdaContext('sync-ami-state'));

  it('counts the event and the records it changed, and logs each change with its tenant', async () => {
    const [image, tenant] = [newAmiId(), newTenant()];
    expect((await v1Client(tenant).register(image, { username: 'ubuntu' })).status).toBe(202);
    lines.length = 0;
    await sync(amiStateChange(image, 'failed'));
    const line = onlyMetricLine();
    expectValidEmf(line);
    expect(metricsBy(line, 'Operation')).toMatchObject({ Events: 1, AmiRecordsChanged: 1 });
    expect(line.Operation).toBe('sync-ami-state');
    expect(logLines().find((entry) => entry.message === 'image state changed')).toMatchObject({
      operation: 'sync-ami-state',
      tenant,
      imageId: image,
      status: 'ERROR',
    });
  });

  it('counts an event it cannot read, which the AMI sync alarm watches', async () => {
    await sync({ 'detail-type': 'Something else' });
    expect(metricsBy(onlyMetricLine(), 'Operation')).toMatchObject({ Events: 1, AmiEventsUnreadable: 1 });
  });

  it('counts a failed event, logs it as an error and throws it again, so Lambda retries it', async () => {
    proxy.inject('server-error');
    await expect(sync(amiStateChange(newAmiId(), 'available'))).rejects.toThrow(/database is unavailable/);
    expect(metricsBy(onlyMetricLine(), 'Operation')).toMatchObject({ Events: 1, EventFailures: 1, DynamoDbFailures: 1 });
    expect(logLines().find((entry) => entry.level === 'error')).toMatchObject({ message: 'event failed; Lambda will retry it', operation: 'sync-ami-state' });
  });
});

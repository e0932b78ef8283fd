/**
 * npm run bench: cold start (bundle sizes, load times against the DynamoDB client alone), what the
 * logging and metrics code adds to a cold start and to a request, then, for each catalogue size N,
 * every operation run many times through the real handlers against DynamoDB Local: latency p50/p99,
 * time outside DynamoDB calls, DynamoDB calls and capacity per operation. Prints a table per section
 * and writes every figure to a JSON file it names. `--only cold-start` stops after the cold start.
 *
 *   npm run bench [-- --sizes 100,1000,10000 --iterations 200 --rounds 15 --only cold-start --out file.json]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { Context } from 'aws-lambda';
import { ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { buildApiEvent, lambdaContext } from '../../infra/local/lambda-event.ts';
import { DEFAULT_ACCESS_SCOPES } from '../../lib/access-scopes.ts';
import type { ApiEvent, ApiResult } from '../../lib/http/api-types.ts';
import { matchRoute } from '../../lib/routes.ts';
import { createDocumentClient, type DynamoDbCall, dynamoDbCallChannel } from '../../lib/store/dynamodb-client.ts';
import { capacityOf, countByAction, timeInCalls } from '../support/dynamodb-calls.ts';
import { registeredImage, seedImages } from '../support/seed-images.ts';
import { BASELINE, type ColdStartFigures, measureColdStart } from './cold-start.ts';
import { formatTable, mean, percentile } from './statistics.ts';
import { measureTelemetryCost } from './telemetry-cost.ts';
import { compareWithUpstream, UPSTREAM_LABEL, UPSTREAM_MS, type UpstreamOperation, upstreamTable } from './upstream-figures.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TABLE_NAME = 'image-registry-bench';

const { values: options } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,5000,10000' },
    iterations: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '15' },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});
const sizes = options.sizes.split(',').map(Number);
const iterations = Number(options.iterations);
const rounds = Number(options.rounds);
const coldStartOnly = options.only === 'cold-start';
if (sizes.some((n) => !Number.isInteger(n) || n < 10) || !(iterations > 0) || !(rounds > 0) || (options.only !== undefined && !coldStartOnly)) {
  throw new Error('usage: npm run bench -- [--sizes 100,1000,5000,10000] [--iterations 200] [--rounds 15] [--only cold-start] [--out file.json]');
}
const startedAt = new Date();
const outFile = options.out ?? join(PROJECT_ROOT, '.bench', `results-${startedAt.toISOString().slice(0, 19).replaceAll(':', '-')}Z.json`);
/** Heavy operations (a list of thousands) stop sampling after this long, with at least MIN_SAMPLES. */
const TIME_BUDGET_MS = 10_000;
const MIN_SAMPLES = 10;
const WARMUP = 20;

const progress = (label: string) => {
  let last = -1;
  return (done: number, total: number) => {
    const percent = Math.floor((done / total) * 100);
    if (process.stdout.isTTY) {
      process.stdout.write(`\r  ${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${percent}%)${done === total ? '\n' : ''}`);
    } else if (percent >= last + 25 || done === total) {
      last = percent;
      console.log(`  ${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${percent}%)`);
    }
  };
};

const kB = (bytes: number) => (bytes / 1000).toFixed(1);
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const units = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));

// ---- machine ----------------------------------------------------------------------------------

const machine = {
  cpuModel: cpus()[0]?.model ?? 'unknown',
  cpus: availableParallelism(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
};
console.log(`Image registry bench, ${startedAt.toISOString()}`);
console.log(
  `  machine: ${machine.cpus} CPUs, ${machine.cpuModel}, Node ${machine.node} (${machine.platform}), load average ${machine.loadAverageAtStart.join(' ')}`,
);
console.log(`  results: ${relative(PROJECT_ROOT, outFile)}\n`);

// ---- cold start ---------------------------------------------------------------------------------

console.log(`Cold start: bundling every function as the stack does, loading each ${rounds} times in fresh processes`);
const bundleDir = join(PROJECT_ROOT, '.bench', 'bundles');
rmSync(bundleDir, { recursive: true, force: true });
const coldStart = await measureColdStart(bundleDir, rounds, progress('load rounds'));
const coldStartTable = (figures: readonly ColdStartFigures[]) =>
  formatTable([
    ['function', 'bundle kB', 'gzip kB', 'aws-sdk kB', 'zod kB', 'middy kB', 'ours kB', 'load p50 ms', 'cpu p50 ms', 'over client alone: ms', 'cpu ms'],
    ...figures.map((f) => [
      f.name === BASELINE ? `(${BASELINE})` : f.name,
      kB(f.bytes),
      kB(f.gzipBytes),
      kB(f.bytesBySource['aws-sdk'] ?? 0),
      kB(f.bytesBySource.zod ?? 0),
      kB(f.bytesBySource['@middy'] ?? 0),
      kB(f.bytesBySource.ours ?? 0),
      ms(f.loadMsP50),
      ms(f.loadCpuMsP50),
      f.name === BASELINE ? '-' : ms(f.overBaselineMs),
      f.name === BASELINE ? '-' : ms(f.overBaselineCpuMs),
    ]),
  ]);
console.log(`\n${coldStartTable(coldStart)}\n`);

console.log(`Logging and metrics: a handler using them as every function does, against one without them, ${rounds} rounds in fresh processes`);
const telemetry = await measureTelemetryCost(bundleDir, rounds, progress('rounds'));
const telemetryRow = (label: string, figures: { with: number; without: number; added: number }, format = ms) => [
  label,
  format(figures.with),
  format(figures.without),
  format(figures.added),
];
console.log(
  `\n${formatTable([
    ['', 'with', 'without', 'added'],
    telemetryRow('bundle kB', telemetry.bundleBytes, kB),
    telemetryRow('load p50 ms', telemetry.loadMsP50),
    telemetryRow('load cpu p50 ms', telemetry.loadCpuMsP50),
    telemetryRow('first invocation p50 ms', telemetry.firstInvocationMsP50),
    telemetryRow(`warm invocation p50 µs (mean of ${telemetry.warmInvocations})`, telemetry.warmInvocationUsP50),
  ])}\n\n  logging and metrics add ${ms(telemetry.coldStartAddedMs)} ms to a cold start (load + first invocation) and ${ms(telemetry.warmInvocationUsP50.added)} µs to a warm request\n`,
);

/** Writes every figure and the machine's description; `bySize` is empty with --only cold-start. */
const writeResults = (bySize: readonly unknown[]) => {
  const results = {
    startedAt: startedAt.toISOString(),
    command: `npm run bench -- --sizes ${sizes.join(',')} --iterations ${iterations} --rounds ${rounds}${coldStartOnly ? ' --only cold-start' : ''}`,
    machine: { ...machine, loadAverageAtEnd: loadavg().map((value) => Number(value.toFixed(2))) },
    notes: {
      latency: 'handler call only (event built beforehand), in process, against DynamoDB Local on the same machine',
      outsideSdk:
        "handler time minus the time at least one DynamoDB call was inside the SDK, from its first middleware to its answer; the SDK's own per-call assembly of its middleware stack (~0.1 ms) comes before that and counts as outside",
      capacity: 'as DynamoDB Local reports it with ReturnConsumedCapacity TOTAL, summed per operation',
      coldStart: `median of ${rounds} loads (import of the bundle) in fresh Node processes, wall and CPU time; the baseline bundles only the DynamoDB document client`,
      telemetry:
        'a bundle using the logging and metrics code as every function does (metrics on, LOG_LEVEL=info, output to a pipe) against one answering the same without it; medians of the rounds',
      upstream: `${UPSTREAM_LABEL}: Sahara 16.0.0 in front of Glance 25.1.0, medians in ms by catalogue size (docs/performance.md, "Against upstream")`,
      upstreamMs: UPSTREAM_MS,
    },
    coldStart,
    telemetry,
    sizes: bySize,
  };
  mkdirSync(join(outFile, '..'), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote ${relative(PROJECT_ROOT, outFile)}`);
};
if (coldStartOnly) {
  writeResults([]);
  process.exit(0);
}

// ---- the handlers against DynamoDB Local -------------------------------------------------------

console.log('Starting DynamoDB Local (in memory)...');
const dynamoDb = await startDynamoDbLocal();
await ensureTable(dynamoDb.endpoint, TABLE_NAME);
// What the stack gives the functions; read when the handlers are first imported, as at a cold start.
Object.assign(process.env, {
  DYNAMODB_ENDPOINT: dynamoDb.endpoint,
  TABLE_NAME,
  TENANT_CLAIM: 'tenant_id',
  REGISTRY_CATALOG: 'open',
  LOG_LEVEL: 'silent',
});
const { loadHandler } = await import('../../infra/local/local-front.ts');
type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

interface Request {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** As python-saharaclient sends it (requests asks for gzip), or nothing. */
  readonly acceptEncoding?: string;
}

interface Sample {
  readonly totalMs: number;
  readonly sdkMs: number;
  readonly calls: readonly DynamoDbCall[];
  readonly matches: number | undefined;
  /** A page's marker to the next one. */
  readonly next?: string | undefined;
}

interface ListAnswer {
  readonly images: unknown[];
  readonly markers?: { readonly next: string | null };
}

let recording: DynamoDbCall[] | undefined;
dynamoDbCallChannel.subscribe((call) => recording?.push(call as DynamoDbCall));

/** One request through the handler API Gateway would route it to; only the handler call is timed. */
const invoke = async (tenant: string, { method, path, body, acceptEncoding }: Request, expectedStatus: number): Promise<Sample> => {
  const [rawPath = '/', rawQueryString = ''] = path.split('?', 2);
  const match = matchRoute(method, rawPath);
  if (match.kind !== 'found') throw new Error(`no route for ${method} ${rawPath}`);
  const handler: Handler = await loadHandler(match.operation.name);
  const event = buildApiEvent({
    method,
    rawPath,
    rawQueryString,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
    body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
    routeKey: `${match.route.method} ${match.route.path}`,
    pathParameters: match.pathParameters,
    claims: { sub: 'bench', tenant_id: tenant },
    scopes: [DEFAULT_ACCESS_SCOPES.read, DEFAULT_ACCESS_SCOPES.write],
  });
  const context = lambdaContext(match.operation.name);
  const calls: DynamoDbCall[] = [];
  recording = calls;
  const start = performance.now();
  const result = await handler(event, context);
  const totalMs = performance.now() - start;
  recording = undefined;
  if (result.statusCode !== expectedStatus) {
    throw new Error(`${method} ${path} answered ${result.statusCode}, not ${expectedStatus}: ${result.body}`);
  }
  const text = result.isBase64Encoded ? gunzipSync(Buffer.from(result.body ?? '', 'base64')).toString('utf8') : (result.body ?? '{}');
  const answer = method === 'GET' && match.operation.name === 'list-images' ? (JSON.parse(text) as ListAnswer) : undefined;
  return { totalMs, sdkMs: timeInCalls(calls), calls, matches: answer?.images.length, next: answer?.markers?.next ?? undefined };
};

/** A walk through a list page by page along `markers.next`, as one sample: its times, calls and images summed. */
const invokeWalk = async (tenant: string, request: Request, expectedStatus: number): Promise<Sample> => {
  const pages: Sample[] = [];
  for (let path: string | undefined = request.path; path !== undefined; ) {
    const page = await invoke(tenant, { ...request, path }, expectedStatus);
    pages.push(page);
    path = page.next === undefined ? undefined : `${request.path}&marker=${page.next}`;
  }
  const sum = (figure: (page: Sample) => number) => pages.reduce((total, page) => total + figure(page), 0);
  return {
    totalMs: sum((page) => page.totalMs),
    sdkMs: sum((page) => page.sdkMs),
    calls: pages.flatMap((page) => page.calls),
    matches: sum((page) => page.matches ?? 0),
  };
};

interface Operation {
  readonly name: string;
  readonly status: number;
  /** The i-th request; writes that need undoing use the same i in their undo operation. */
  readonly request: (i: number) => Request;
  /** Lists of thousands: sampled for TIME_BUDGET_MS rather than for every iteration. */
  readonly heavy?: boolean;
  /** A sample is the walk along `markers.next` from this request to the last page. */
  readonly walk?: boolean;
}

// Tags: a plugin tag that is common (spark on half the images, vanilla a quarter, storm, hdp) and a
// batch tag that is rare (each on exactly 10 images). Most tags are rare; a few are very common.
// `quarter` is on every fourth block of 20 images: a quarter of them, independent of the plugin,
// so that vanilla and quarter are each on N/4 images and on N/16 together.
const PLUGINS = [...Array<string>(10).fill('spark'), ...Array<string>(5).fill('vanilla'), ...Array<string>(3).fill('storm'), ...Array<string>(2).fill('hdp')];
const imageId = (i: number) => `img-${String(i).padStart(6, '0')}`;
// Multiplying by 7 (prime to 20) spreads the plugins across each batch: 3 or 7 of its 10 are spark.
const tagsOf = (i: number) => [PLUGINS[(i * 7) % PLUGINS.length]!, `batch-${Math.floor(i / 10)}`, ...(Math.floor(i / 20) % 4 === 0 ? ['quarter'] : [])];

/** Reproducible pseudo-random image numbers (a fixed LCG), so runs hit the same images. */
const picker = (n: number, seed: number) => {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % n;
  };
};

const operationsFor = (n: number): Operation[] => {
  const someImage = picker(n, 1);
  const someBatch = picker(Math.floor(n / 10), 2);
  const tagTargets: number[] = [];
  const tagTarget = (i: number) => (tagTargets[i] ??= someImage());
  return [
    { name: 'show', status: 200, request: () => ({ method: 'GET', path: `/images/${imageId(someImage())}` }) },
    { name: 'list, 1 rare tag (10 matches)', status: 200, request: () => ({ method: 'GET', path: `/images?tags=batch-${someBatch()}` }) },
    { name: 'list, rare + common tag', status: 200, request: () => ({ method: 'GET', path: `/images?tags=batch-${someBatch()}&tags=spark` }) },
    { name: 'list, 1 common tag (N/4 matches)', status: 200, request: () => ({ method: 'GET', path: '/images?tags=vanilla' }), heavy: n > 1_000 },
    {
      name: 'list, 2 common tags (N/4 each, N/16 both)',
      status: 200,
      request: () => ({ method: 'GET', path: '/images?tags=vanilla&tags=quarter' }),
      heavy: n > 1_000,
    },
    { name: 'list, all (N)', status: 200, request: () => ({ method: 'GET', path: '/images' }), heavy: n > 100 },
    {
      name: 'list, all (N), gzip (Accept-Encoding: gzip)',
      status: 200,
      request: () => ({ method: 'GET', path: '/images', acceptEncoding: 'gzip, deflate' }),
      heavy: n > 100,
    },
    {
      name: 'list, 1 rare tag, newest (sort_by=-created, limit 1)',
      status: 200,
      request: () => ({ method: 'GET', path: `/images?tags=batch-${someBatch()}&sort_by=-created&limit=1` }),
    },
    { name: 'list, page of 10 by -id', status: 200, request: () => ({ method: 'GET', path: '/images?sort_by=-id&limit=10' }) },
    { name: 'list, page of 10 by name (reads N)', status: 200, request: () => ({ method: 'GET', path: '/images?sort_by=name&limit=10' }), heavy: n > 100 },
    { name: 'list, all in pages of 1,000 (a walk)', status: 200, request: () => ({ method: 'GET', path: '/images?limit=1000' }), heavy: n > 100, walk: true },
    { name: 'register (new image)', status: 202, request: (i) => ({ method: 'POST', path: `/images/scratch-${i}`, body: { username: 'ubuntu' } }) },
    {
      name: 'tag (add 1 tag)',
      status: 202,
      request: (i) => ({ method: 'POST', path: `/images/${imageId(tagTarget(i))}/tag`, body: { tags: [`scratch-${i}`] } }),
    },
    {
      name: 'untag (remove 1 tag)',
      status: 202,
      request: (i) => ({ method: 'POST', path: `/images/${imageId(tagTarget(i))}/untag`, body: { tags: [`scratch-${i}`] } }),
    },
    { name: 'unregister', status: 204, request: (i) => ({ method: 'DELETE', path: `/images/scratch-${i}` }) },
  ];
};

const summarize = (name: string, samples: readonly Sample[]) => {
  const overheads = samples.map((sample) => sample.totalMs - sample.sdkMs);
  const perAction: Record<string, number> = {};
  for (const sample of samples) {
    for (const [action, count] of Object.entries(countByAction(sample.calls))) perAction[action] = (perAction[action] ?? 0) + count;
  }
  for (const action of Object.keys(perAction)) perAction[action] = perAction[action]! / samples.length;
  const capacities = samples.map((sample) => capacityOf(sample.calls));
  const matches = samples.map((sample) => sample.matches).filter((value) => value !== undefined);
  return {
    operation: name,
    samples: samples.length,
    latencyMs: {
      p50: percentile(
        samples.map((s) => s.totalMs),
        50,
      ),
      p99: percentile(
        samples.map((s) => s.totalMs),
        99,
      ),
    },
    overheadMs: { p50: percentile(overheads, 50), p99: percentile(overheads, 99) },
    dynamoDbCallsPerOperation: mean(samples.map((sample) => sample.calls.length)),
    dynamoDbCallsByAction: perAction,
    readCapacityUnitsPerOperation: mean(capacities.map((capacity) => capacity.read)),
    writeCapacityUnitsPerOperation: mean(capacities.map((capacity) => capacity.write)),
    ...(matches.length > 0 ? { matchesPerOperation: mean(matches) } : {}),
  };
};
type OperationFigures = ReturnType<typeof summarize>;

const measure = async (tenant: string, operation: Operation): Promise<OperationFigures> => {
  const base = `/v1.1/${tenant}`;
  const run = (i: number) => {
    const request = operation.request(i);
    return (operation.walk ? invokeWalk : invoke)(tenant, { ...request, path: `${base}${request.path}` }, operation.status);
  };
  const warmup = operation.heavy ? 2 : WARMUP;
  for (let i = 0; i < warmup; i++) await run(i);
  const samples: Sample[] = [];
  const start = performance.now();
  for (let i = warmup; i < warmup + iterations; i++) {
    samples.push(await run(i));
    if (operation.heavy && samples.length >= MIN_SAMPLES && performance.now() - start > TIME_BUDGET_MS) break;
  }
  return summarize(operation.name, samples);
};

const callsText = (byAction: Readonly<Record<string, number>>) =>
  Object.entries(byAction)
    .map(([action, count]) => `${units(count)} ${action}`)
    .join(' + ') || 'none';

const operationsTable = (figures: readonly OperationFigures[]) =>
  formatTable([
    ['operation', 'samples', 'p50 ms', 'p99 ms', 'outside SDK p50 ms', 'p99 ms', 'RCU/op', 'WCU/op', 'matches', 'DynamoDB calls per operation'],
    ...figures.map((f) => [
      f.operation,
      String(f.samples),
      ms(f.latencyMs.p50),
      ms(f.latencyMs.p99),
      ms(f.overheadMs.p50),
      ms(f.overheadMs.p99),
      units(f.readCapacityUnitsPerOperation),
      units(f.writeCapacityUnitsPerOperation),
      f.matchesPerOperation === undefined ? '' : units(f.matchesPerOperation),
      callsText(f.dynamoDbCallsByAction),
    ]),
  ]);

const seedingClient = createDocumentClient({ endpoint: dynamoDb.endpoint });
const seed = async (tenant: string, n: number) => {
  const start = performance.now();
  await seedImages({
    client: seedingClient,
    tableName: TABLE_NAME,
    tenant,
    images: Array.from({ length: n }, (_, i) => registeredImage(imageId(i), tagsOf(i))),
    onProgress: progress('seeding items'),
  });
  return (performance.now() - start) / 1000;
};
const measureAll = async (tenant: string, n: number) => {
  const figures: OperationFigures[] = [];
  const operations = operationsFor(n);
  for (const operation of operations) {
    figures.push(await measure(tenant, operation));
    if (process.stdout.isTTY) process.stdout.write(`\r  measured ${figures.length} / ${operations.length} operations`);
  }
  if (process.stdout.isTTY) process.stdout.write('\n');
  return figures;
};

const bySize = [];
try {
  // DynamoDB Local is a JVM: its first thousands of requests run slower while it compiles. A full
  // unrecorded pass over a small tenant keeps that out of the first size's figures.
  console.log('\nWarming up DynamoDB Local and the handlers (a full pass at N = 100, not recorded)');
  await seed('bench-warmup', 100);
  await measureAll('bench-warmup', 100);

  for (const n of sizes) {
    const tenant = `bench-${n}`;
    console.log(`\nN = ${n.toLocaleString('en')} registered images (tenant ${tenant})`);
    const seedSeconds = await seed(tenant, n);
    console.log(
      `  seeded in ${seedSeconds.toFixed(1)} s; running ${iterations} iterations of each operation (lists of thousands: ${TIME_BUDGET_MS / 1000} s each)`,
    );
    const figures = await measureAll(tenant, n);
    console.log(`\n${operationsTable(figures)}`);
    const oursByUpstreamName: Record<UpstreamOperation, string> = { show: 'show', listByRareTag: 'list, 1 rare tag (10 matches)', listAll: 'list, all (N)' };
    const againstUpstream = compareWithUpstream(n, (operation) => figures.find((f) => f.operation === oursByUpstreamName[operation])!.latencyMs.p50);
    if (againstUpstream.length > 0) {
      console.log(`\n  Against ${UPSTREAM_LABEL} (Sahara 16.0.0 + Glance 25.1.0, medians; docs/performance.md):\n\n${upstreamTable(againstUpstream, ms)}`);
    }
    bySize.push({ images: n, tenant, seedSeconds: Number(seedSeconds.toFixed(1)), operations: figures, againstUpstream });
  }
} finally {
  seedingClient.destroy();
  await dynamoDb.stop();
}

writeResults(bySize);

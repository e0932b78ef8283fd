import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleEntry } from '../support/function-bundles.ts';
import { median } from './statistics.ts';

const WITH_TELEMETRY = fileURLToPath(new URL('./with-telemetry.ts', import.meta.url));
const WITHOUT_TELEMETRY = fileURLToPath(new URL('./without-telemetry.ts', import.meta.url));
const WARM_INVOCATIONS = 2_000;

/** As deployed: metrics on (the stack sets METRICS_NAMESPACE), the default log level. */
const env = { PATH: process.env.PATH ?? '', METRICS_NAMESPACE: 'ImageRegistry', LOG_LEVEL: 'info', AWS_REGION: 'us-east-1' };

interface Run {
  readonly loadMs: number;
  readonly loadCpuMs: number;
  /** The first invocation: what a cold start pays on top of the load. */
  readonly firstMs: number;
  /** The mean of the warm invocations after it. */
  readonly warmUs: number;
}

/**
 * Loads a bundle in a fresh process and invokes it once cold, then WARM_INVOCATIONS times. Its
 * output goes to a pipe, as a function's goes to Lambda's log collector; the figures come back on fd 3.
 */
const runOnce = (file: string): Run => {
  const script = [
    "import { writeSync } from 'node:fs';",
    "import { createRequire } from 'node:module';",
    'const cpu = process.cpuUsage();',
    'let start = performance.now();',
    // As Lambda's runtime loads a CommonJS handler (test/bench/cold-start.ts).
    `const { handler } = createRequire(import.meta.url)(${JSON.stringify(file)});`,
    'const loadMs = performance.now() - start;',
    'const { user, system } = process.cpuUsage(cpu);',
    "const event = { requestContext: { requestId: 'api-1', authorizer: { jwt: { claims: { sub: 'bench' } } } } };",
    "const context = (i) => ({ awsRequestId: 'lambda-' + i, getRemainingTimeInMillis: () => 10_000 });",
    'start = performance.now();',
    'await handler(event, context(0));',
    'const firstMs = performance.now() - start;',
    'start = performance.now();',
    `for (let i = 1; i <= ${WARM_INVOCATIONS}; i++) await handler(event, context(i));`,
    `const warmUs = ((performance.now() - start) / ${WARM_INVOCATIONS}) * 1000;`,
    'writeSync(3, JSON.stringify({ loadMs, loadCpuMs: (user + system) / 1000, firstMs, warmUs }));',
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`running ${file} failed:\n${child.stderr}`);
  return JSON.parse(String(child.output[3])) as Run;
};

/**
 * What the logging and metrics code (lib/log.ts, lib/metrics.ts, lib/invocation.ts, lib/instrument.ts,
 * the HTTP wrapper) costs: a bundle that uses them as every function does, against one that gives the
 * same answer without them, each built as the stack builds functions and run round after round in
 * fresh processes. Medians of the rounds.
 */
export const measureTelemetryCost = async (outDir: string, rounds: number, onProgress: (done: number, total: number) => void) => {
  const [withTelemetry, without] = await Promise.all([
    bundleEntry('with-telemetry', WITH_TELEMETRY, outDir),
    bundleEntry('without-telemetry', WITHOUT_TELEMETRY, outDir),
  ]);
  const runs = { with: [] as Run[], without: [] as Run[] };
  for (let round = 0; round < rounds; round++) {
    runs.with.push(runOnce(withTelemetry!.file));
    runs.without.push(runOnce(without!.file));
    onProgress(round + 1, rounds);
  }
  const p50 = (side: Run[], figure: keyof Run) => median(side.map((run) => run[figure]));
  const added = (figure: keyof Run) => p50(runs.with, figure) - p50(runs.without, figure);
  return {
    rounds,
    warmInvocations: WARM_INVOCATIONS,
    bundleBytes: { with: withTelemetry!.bytes, without: without!.bytes, added: withTelemetry!.bytes - without!.bytes },
    loadMsP50: { with: p50(runs.with, 'loadMs'), without: p50(runs.without, 'loadMs'), added: added('loadMs') },
    loadCpuMsP50: { with: p50(runs.with, 'loadCpuMs'), without: p50(runs.without, 'loadCpuMs'), added: added('loadCpuMs') },
    firstInvocationMsP50: { with: p50(runs.with, 'firstMs'), without: p50(runs.without, 'firstMs'), added: added('firstMs') },
    warmInvocationUsP50: { with: p50(runs.with, 'warmUs'), without: p50(runs.without, 'warmUs'), added: added('warmUs') },
    /** What a cold start pays for logging and metrics: the load and the first invocation. */
    coldStartAddedMs: added('loadMs') + added('firstMs'),
  };
};

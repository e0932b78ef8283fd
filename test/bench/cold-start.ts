import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleEntry, bundleFunction, type FunctionBundle, functionNames } from '../support/function-bundles.ts';
import { median } from './statistics.ts';

export const BASELINE = 'dynamodb-client-only';
const BASELINE_ENTRY = fileURLToPath(new URL('./dynamodb-client-only.ts', import.meta.url));

/** What a function's container holds at a cold start: the settings the stack gives it. */
const functionEnv = {
  PATH: process.env.PATH ?? '',
  TABLE_NAME: 'image-registry-bench',
  TENANT_CLAIM: 'tenant_id',
  REGISTRY_CATALOG: 'open',
  AWS_REGION: 'us-east-1',
  LOG_LEVEL: 'silent',
};

interface Load {
  /** Wall-clock ms from the start of `import()` to the module being evaluated: what a cold start waits. */
  readonly wallMs: number;
  /** CPU ms the process spent meanwhile (all its threads): steadier than wall time on a busy machine. */
  readonly cpuMs: number;
}

/**
 * Loads a bundle in a fresh Node process, as the runtime does at a cold start: Lambda's runtime
 * is an ES module that require()s a CommonJS handler (index.js, with no package.json making it an
 * ES module), so import() would add a scan of the whole bundle for its exports that Lambda never makes.
 */
const loadOnce = (file: string): Load => {
  const script = [
    "import { createRequire } from 'node:module';",
    'const cpu = process.cpuUsage();',
    'const start = performance.now();',
    `createRequire(import.meta.url)(${JSON.stringify(file)});`,
    'const wallMs = performance.now() - start;',
    'const { user, system } = process.cpuUsage(cpu);',
    'process.stdout.write(JSON.stringify({ wallMs, cpuMs: (user + system) / 1000 }));',
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: functionEnv });
  if (child.status !== 0) throw new Error(`loading ${file} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout) as Load;
};

export interface ColdStartFigures {
  readonly name: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly bytesBySource: Readonly<Record<string, number>>;
  readonly loadSamples: number;
  readonly loadMsP50: number;
  readonly loadCpuMsP50: number;
  /** Load time beyond the DynamoDB client alone's: what our code, zod and middy add to a cold start. */
  readonly overBaselineMs: number;
  readonly overBaselineCpuMs: number;
}

/**
 * Bundles every function (and the DynamoDB-client-only baseline) as the stack does, then loads each
 * in fresh processes, round after round in the same order, so that a machine busy at one moment
 * slows baseline and functions alike; medians per bundle, and each function's difference from the
 * baseline.
 */
export const measureColdStart = async (outDir: string, rounds: number, onProgress: (done: number, total: number) => void) => {
  const bundles: FunctionBundle[] = [
    await bundleEntry(BASELINE, BASELINE_ENTRY, outDir),
    ...(await Promise.all(functionNames().map((name) => bundleFunction(name, outDir)))),
  ];
  const samples = new Map<string, Load[]>(bundles.map((bundle) => [bundle.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const bundle of bundles) samples.get(bundle.name)!.push(loadOnce(bundle.file));
    onProgress(round + 1, rounds);
  }
  const wall = (name: string) => median(samples.get(name)!.map((load) => load.wallMs));
  const cpu = (name: string) => median(samples.get(name)!.map((load) => load.cpuMs));
  return bundles.map(
    ({ name, bytes, gzipBytes, bytesBySource }): ColdStartFigures => ({
      name,
      bytes,
      gzipBytes,
      bytesBySource,
      loadSamples: rounds,
      loadMsP50: wall(name),
      loadCpuMsP50: cpu(name),
      overBaselineMs: wall(name) - wall(BASELINE),
      overBaselineCpuMs: cpu(name) - cpu(BASELINE),
    }),
  );
};

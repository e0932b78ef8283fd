import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backgroundFunctionNames, bundleFunction, describesAmis, type FunctionBundle, functionNames } from '../support/function-bundles.ts';

/**
 * The cold-start budget of a function's bundle (index.mjs, minified, as NodejsFunction builds it
 * with infra/function-bundling.ts).
 *
 * The AWS SDK is bundled rather than taken from the runtime: tree-shaken to the DynamoDB client it
 * is ~348 kB, and a single bundled file loads faster than the runtime's SDK spread over hundreds of
 * files, besides pinning the version we test. On top of it come zod/mini (~31 kB), middy (~3 kB)
 * and our own code (~60 kB): ~444 kB in all (November 2026). What a cold start pays for the bundle
 * is parsing and running it, roughly in proportion to its size (about 3 ms per 100 kB here);
 * `npm run bench` measures it against the DynamoDB client alone, the target being 10 ms at most.
 *
 * 464 KiB leaves some 30 kB for our code to grow, and none for a heavy dependency: a second SDK
 * client, a utility library, classic zod (~91 kB) or zod imported as `import { z }` or used as
 * `z.core` at run time (all of zod's core and locales, ~410 kB) break it. Raising it is a
 * decision to make with the bench's load times in hand.
 *
 * The functions that may describe an AMI (the route table's callsCatalog, with the default `ec2`
 * catalog) hold the same budget: the EC2 client (~0.9 MB) stays out of every bundle and is
 * imported from the Lambda runtime's own SDK on the first catalog lookup only.
 */
const BUNDLE_BUDGET_BYTES = 464 * 1024;
/** zod/mini with the request schemas' checks is ~31 kB; classic zod alone is ~91 kB. */
const ZOD_BUDGET_BYTES = 40 * 1000;

const allFunctions = [...functionNames(), ...backgroundFunctionNames()];

describe('function bundles', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'function-bundles-'));
  const bundles = new Map<string, FunctionBundle>();

  beforeAll(async () => {
    for (const bundle of await Promise.all(allFunctions.map((name) => bundleFunction(name, outDir)))) {
      bundles.set(bundle.name, bundle);
    }
  }, 180_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it.each(allFunctions)(`%s stays within the ${BUNDLE_BUDGET_BYTES / 1024} KiB budget`, (name) => {
    expect(bundles.get(name)!.bytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
  });

  it.each(allFunctions)('%s holds zod/mini at most, never classic zod', (name) => {
    expect(bundles.get(name)!.bytesBySource.zod ?? 0).toBeLessThanOrEqual(ZOD_BUDGET_BYTES);
  });

  it.each(allFunctions)('%s is self-contained but for the EC2 client, imported lazily where it may describe an AMI', (name) => {
    expect(bundles.get(name)!.externalImports).toEqual(describesAmis(name) ? ['dynamic-import @aws-sdk/client-ec2'] : []);
  });

  it('only functions that may describe an AMI hold the ec2 catalog', () => {
    for (const name of allFunctions) {
      expect(readFileSync(bundles.get(name)!.file, 'utf8').includes('InvalidAMIID.NotFound')).toBe(describesAmis(name));
    }
  });
});

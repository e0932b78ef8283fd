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
 * is ~345 kB, and a single bundled file loads faster than the runtime's SDK spread over hundreds of
 * files, besides pinning the version we test. On top of it come zod (~91 kB), middy (~3 kB) and our
 * own code (~16 kB): ~459 kB in all (November 2026). What a cold start pays for the bundle is
 * parsing and running it, roughly in proportion to its size; `npm run bench` measures it (our part:
 * a few ms against the DynamoDB client alone, the target being under 15 ms).
 *
 * 512 KiB leaves room for our own code to triple, and none for a new heavy dependency: a second SDK
 * client, a utility library, or zod imported as `import { z }` (which defeats tree-shaking) all
 * break it. Raising it is a decision to make with the bench's load times in hand.
 *
 * The functions that may describe an AMI (the route table's callsCatalog, with the default `ec2`
 * catalog) hold the same budget: the EC2 client (~0.9 MB) stays out of every bundle and is
 * imported from the Lambda runtime's own SDK on the first catalog lookup only.
 */
const BUNDLE_BUDGET_BYTES = 512 * 1024;

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

  it.each(allFunctions)('%s is self-contained but for the EC2 client, imported lazily where it may describe an AMI', (name) => {
    expect(bundles.get(name)!.externalImports).toEqual(describesAmis(name) ? ['dynamic-import @aws-sdk/client-ec2'] : []);
  });

  it('only functions that may describe an AMI hold the ec2 catalog', () => {
    for (const name of allFunctions) {
      expect(readFileSync(bundles.get(name)!.file, 'utf8').includes('InvalidAMIID.NotFound')).toBe(describesAmis(name));
    }
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, describesAmis, functionNames, type FunctionBundle } from '../support/function-bundles.ts';

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
 * catalog) also carry the EC2 client, ~870 kB more. lib/catalog/catalog-from-env.ts imports it
 * only on the first catalog lookup, so a cold start that never looks an image up (a show of a
 * registered image) does not evaluate it; 1.5 MiB holds that second client and nothing else.
 */
const BUNDLE_BUDGET_BYTES = 512 * 1024;
const EC2_BUNDLE_BUDGET_BYTES = 1536 * 1024;
const budgetOf = (name: string) => (describesAmis(name) ? EC2_BUNDLE_BUDGET_BYTES : BUNDLE_BUDGET_BYTES);

describe('function bundles', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'function-bundles-'));
  const bundles = new Map<string, FunctionBundle>();

  beforeAll(async () => {
    for (const bundle of await Promise.all(functionNames().map((name) => bundleFunction(name, outDir)))) {
      bundles.set(bundle.name, bundle);
    }
  }, 180_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it.each(functionNames().map((name) => [name, budgetOf(name) / 1024]))('%s stays within its %i KiB budget', (name) => {
    expect(bundles.get(name as string)!.bytes).toBeLessThanOrEqual(budgetOf(name as string));
  });

  it('only functions that may describe an AMI carry the EC2 client', () => {
    for (const name of functionNames().filter(describesAmis)) {
      expect(readFileSync(bundles.get(name)!.file, 'utf8')).toContain('DescribeImages');
    }
    for (const name of functionNames().filter((candidate) => !describesAmis(candidate))) {
      expect(bundles.get(name)!.bytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
      expect(readFileSync(bundles.get(name)!.file, 'utf8')).not.toContain('DescribeImages');
    }
  });

  it.each(functionNames())('%s is self-contained: it imports nothing but Node.js built-ins', (name) => {
    expect(bundles.get(name)!.externalImports).toEqual([]);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/function-bundling.ts';
import { ROUTE_NOT_FOUND } from '../../infra/local/local-front.ts';
import { PUBLISHER_FUNCTION } from '../../lib/events/change-events.ts';
import { operations } from '../../lib/routes.ts';

/** Every Lambda function the stack deploys: one per operation of the route table, `$default`'s, and the change events' publisher. */
export const functionNames = (): string[] => [...operations.map((operation) => operation.name), ROUTE_NOT_FOUND, PUBLISHER_FUNCTION];

/** The functions the ec2 catalog adds, which no request reaches: the AMI state sync and the daily sweep. */
export const backgroundFunctionNames = (): string[] => ['sync-ami-state', 'sweep-ami-records'];

const functionEntry = (name: string) => fileURLToPath(new URL(`../../functions/${name}.ts`, import.meta.url));

export interface FunctionBundle {
  readonly name: string;
  /** The bundle, as NodejsFunction would upload it (index.js). */
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Bytes of the bundle's output by where they came from: `aws-sdk`, `zod`, `@middy`, `ours`. */
  readonly bytesBySource: Readonly<Record<string, number>>;
  /** What the bundle still imports at run time that is not a Node.js built-in, as `kind path` (`dynamic-import @aws-sdk/client-ec2`). */
  readonly externalImports: readonly string[];
}

/** The AWS SDK's scopes and the packages it alone pulls in (mnemonist: the endpoint cache). */
const AWS_SDK = new Set(['@aws-sdk', '@smithy', '@aws-crypto', '@aws', 'mnemonist', 'obliterator', 'tslib']);

/** `node_modules/@smithy/core/...` -> `aws-sdk`; `node_modules/zod/...` -> `zod`; our files -> `ours`. */
const sourceOf = (path: string) => {
  const inModules = /node_modules\/((?:@[^/]+)|[^/]+)/.exec(path);
  if (!inModules) return 'ours';
  const name = inModules[1]!;
  return AWS_SDK.has(name) ? 'aws-sdk' : name;
};

/** Bundles one entry with the stack's own esbuild options (infra/function-bundling.ts) into `outDir/<name>/index.js`. */
export const bundleEntry = async (name: string, entry: string, outDir: string, describesAmis = false): Promise<FunctionBundle> => {
  const file = join(outDir, name, 'index.js');
  const { metafile } = await build({ ...esbuildOptions(entry, file, { describesAmis }), metafile: true, logLevel: 'error' });
  const bytesBySource: Record<string, number> = {};
  const externalImports = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const source = sourceOf(input);
      bytesBySource[source] = (bytesBySource[source] ?? 0) + bytesInOutput;
    }
    for (const { path, external, kind } of output.imports) {
      if (external && !isBuiltin(path)) externalImports.add(`${kind} ${path}`);
    }
  }
  // Lambda's task root holds no package.json, so index.js is CommonJS there; inside this project
  // ("type": "module") it would be read as an ES module, so the bundle's folder says what the task root implies.
  writeFileSync(join(outDir, name, 'package.json'), '{ "type": "commonjs" }\n');
  const content = readFileSync(file);
  return { name, file, bytes: content.length, gzipBytes: gzipSync(content).length, bytesBySource, externalImports: [...externalImports] };
};

/** Whether the deployed function carries the EC2 SDK: it may describe an image, and `ec2` is the default catalog. */
export const describesAmis = (name: string) => name === 'sweep-ami-records' || (operations.find((operation) => operation.name === name)?.callsCatalog ?? false);

/** Bundles a function as the stack deploys it with its default catalog (ec2). */
export const bundleFunction = (name: string, outDir: string) => bundleEntry(name, functionEntry(name), outDir, describesAmis(name));

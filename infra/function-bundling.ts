import type { BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * How every function is bundled, in one place. The CDK stack hands these to NodejsFunction; the
 * bundle budget test and the bench build with esbuildOptions(), which passes them to esbuild the way
 * NodejsFunction does (--bundle --platform=node --target --format --minify --main-fields
 * --external --sourcemap=external --sources-content=false, nothing else), so what they measure is
 * what is deployed.
 */
export const functionBundling = {
  // CommonJS: the same bundle loads 14-19 ms sooner as CommonJS than as an ES module on Node 24
  // (the DynamoDB client alone 50.8 ms against 64.6, an operation 55.7 against 74.4, medians of 31
  // loads; docs/performance.md, "Cold start"). Lambda's runtime require()s it.
  format: 'cjs' as OutputFormat,
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  // The SDK is bundled, not taken from the runtime: a tree-shaken bundle loads faster. The one
  // exception is the EC2 client, which only the ec2 catalog imports, dynamically, on its first
  // lookup: left to the runtime's own SDK v3, it costs a cold start nothing until it is needed.
  externalModules: ['@aws-sdk/client-ec2'],
  // index.js.map beside the bundle, with no sourceMappingURL comment and no sources' content: Node
  // never reads it at a cold start (--enable-source-maps would cost ~11 ms); lib/log.ts reads it on
  // the first logged stack only, so that the stack names our files and lines (lib/source-mapped-stack.ts).
  sourceMap: true,
  sourceMapMode: 'external' as SourceMapMode,
  sourcesContent: false,
} as const satisfies BundlingOptions;

/**
 * Compile-time constants of one function. A function that never describes an AMI is built with
 * REGISTRY_WITHOUT_EC2, so esbuild drops the EC2 SDK from it (lib/catalog/catalog-from-env.ts).
 */
export const functionDefines = ({ describesAmis }: { describesAmis: boolean }) => ({
  'process.env.REGISTRY_WITHOUT_EC2': JSON.stringify(String(!describesAmis)),
});

/** esbuild's options for one function: the entry, the output file and the stack's bundling. */
export const esbuildOptions = (
  entry: string,
  outfile: string,
  { describesAmis = false }: { describesAmis?: boolean } = {},
): BuildOptions & { entryPoints: string[]; outfile: string } => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: functionBundling.format,
  target: functionBundling.target,
  mainFields: [...functionBundling.mainFields],
  minify: functionBundling.minify,
  external: [...functionBundling.externalModules],
  sourcemap: 'external',
  sourcesContent: functionBundling.sourcesContent,
  define: functionDefines({ describesAmis }),
  logLevel: 'warning',
});

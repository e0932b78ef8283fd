import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiEvent, lambdaContext } from '../../infra/local/lambda-event.ts';
import { DEFAULT_ACCESS_SCOPES } from '../../lib/access-scopes.ts';
import { bundleFunction, type FunctionBundle } from '../support/function-bundles.ts';

/**
 * A deployed function is a minified bundle: without help, a logged stack reads `at Pt
 * (/var/task/index.js:108:26227)` and an error's name `kr`. The bundle ships its source
 * map beside it, which the logger reads on the first stack it logs.
 */
describe('a stack logged by a deployed function', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'logged-stacks-'));
  let bundle: FunctionBundle;

  beforeAll(async () => {
    bundle = await bundleFunction('show-image', outDir);
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  /** Runs the bundle in a fresh Node process, as Lambda does, against a DynamoDB that refuses connections. */
  const failingInvocation = () => {
    const event = buildApiEvent({
      method: 'GET',
      rawPath: '/v2/images/img-1',
      rawQueryString: '',
      headers: {},
      body: Buffer.alloc(0),
      routeKey: 'GET /v2/images/{image_id}',
      pathParameters: { image_id: 'img-1' },
      claims: { sub: 'tester', tenant_id: 't1' },
      // As a token past the authorizer carries it: the functions check the route's scope too.
      scopes: [DEFAULT_ACCESS_SCOPES.read],
    });
    const { getRemainingTimeInMillis: _, ...context } = lambdaContext('show-image');
    const script = [
      `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle.file).href)});`,
      `const result = await handler(${JSON.stringify(event)}, { ...${JSON.stringify(context)}, getRemainingTimeInMillis: () => 10_000 });`,
      'process.stdout.write(JSON.stringify(result));',
    ].join('\n');
    const env = {
      PATH: process.env.PATH ?? '',
      TABLE_NAME: 'registry',
      REGISTRY_CATALOG: 'open',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
      DYNAMODB_MAX_ATTEMPTS: '1',
      LOG_LEVEL: 'warn',
    };
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env });
    expect(child.status, child.stderr).toBe(0);
    return { result: JSON.parse(child.stdout), logged: JSON.parse(child.stderr.trim().split('\n').at(-1)!) };
  };

  it('ships the source map beside the bundle, without a sourceMappingURL Node would read at a cold start', () => {
    expect(existsSync(`${bundle.file}.map`)).toBe(true);
    expect(readFileSync(bundle.file, 'utf8')).not.toContain('sourceMappingURL');
    expect(JSON.parse(readFileSync(`${bundle.file}.map`, 'utf8')).sourcesContent).toBeUndefined();
  });

  it('names the error class and points each of our frames at its source file and line', () => {
    const { result, logged } = failingInvocation();
    expect(result.statusCode).toBe(503);
    // A 503 (a refused connection is a passing fault) is logged as a warning, with the same stack as an error's.
    expect(logged).toMatchObject({
      level: 'warn',
      message: 'request failed, to be retried',
      operation: 'show-image',
      error: { name: 'DependencyUnavailableError' },
    });
    const stack: string = logged.error.stack;
    expect(stack).toMatch(/^DependencyUnavailableError: The database is unavailable/);
    expect(stack).toMatch(/\(lib\/store\/dynamodb-errors\.ts:\d+:\d+\)/);
    expect(stack).toMatch(/lib\/registry\/image-registry\.ts:\d+:\d+/);
    expect(stack).not.toContain(bundle.file);
  });
});

/**
 * `npm start`: DynamoDB Local, the registry table, and the API on http://127.0.0.1:8386 served by
 * the same handlers the Lambda functions run. Settings: README.md, "Settings".
 */
import { once } from 'node:events';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseServiceCallers } from '../../lib/caller-mappings.ts';
import { staticCatalogFileFromEnv } from '../../lib/catalog/catalog-from-env.ts';
import { loadStaticCatalog } from '../../lib/catalog/static-catalog.ts';
import { operations } from '../../lib/routes.ts';
import { parseDevIamKeys } from './dev-iam-keys.ts';
import { defaultDevToken, parseDevTokens } from './dev-tokens.ts';
import { DynamoDbLocalUnavailableError, ensureTable, startDynamoDbLocal } from './dynamodb-local.ts';
import { deliveryFromSetting, startLocalChangeEvents } from './local-change-events.ts';
import { createLocalFront, loadHandler, ROUTE_NOT_FOUND } from './local-front.ts';
import { signedExample } from './signed-example.ts';

const projectDir = fileURLToPath(new URL('../../', import.meta.url));
const env = process.env;
const port = Number(env.PORT || 8386);
const host = env.HOST || '127.0.0.1';
const dataSetting = env.REGISTRY_DATA_DIR || fileURLToPath(new URL('../../.registry-data', import.meta.url));
const dataDir = dataSetting === 'memory' ? undefined : dataSetting;
const sampleCatalog = fileURLToPath(new URL('./sample-catalog.json', import.meta.url));
const tableName = 'image-registry';
const eventsSetting = env.REGISTRY_EVENTS || 'print';

const fail = (message: string): never => {
  console.error(`\nnpm start: ${message}`);
  process.exit(1);
};

if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT '${env.PORT}' is not a port number`);

const tokens = (() => {
  try {
    return env.REGISTRY_DEV_TOKENS ? parseDevTokens(env.REGISTRY_DEV_TOKENS) : [defaultDevToken(dataDir)];
  } catch (error) {
    return fail((error as Error).message);
  }
})();

// IAM-signed callers (docs/callers.md): the keys stand for roles; the functions map roles to tenants.
const [iamKeys, serviceCallers] = (() => {
  try {
    return [
      env.REGISTRY_DEV_IAM_KEYS ? parseDevIamKeys(env.REGISTRY_DEV_IAM_KEYS) : [],
      parseServiceCallers(env.REGISTRY_SERVICE_CALLERS, 'REGISTRY_SERVICE_CALLERS'),
    ] as const;
  } catch (error) {
    return fail((error as Error).message);
  }
})();

const dynamoDb = await startDynamoDbLocal({ dataDir }).catch((error: unknown) =>
  fail(error instanceof DynamoDbLocalUnavailableError ? error.message : `DynamoDB Local failed to start: ${String(error)}`),
);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the API and DynamoDB Local...`);
  server.close();
  server.closeAllConnections();
  changeEvents?.stop();
  await dynamoDb.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const streamArn = await ensureTable(dynamoDb.endpoint, tableName);

// The handlers read their settings when first loaded, as a Lambda function does at cold start.
env.TABLE_NAME = tableName;
env.DYNAMODB_ENDPOINT = dynamoDb.endpoint;
env.REGISTRY_CATALOG = env.REGISTRY_CATALOG || sampleCatalog;
env.TENANT_CLAIM = env.TENANT_CLAIM || 'tenant_id';
try {
  // Load every handler now, and the catalog file the functions read on their first lookup, so a bad setting stops the start.
  const catalogFile = staticCatalogFileFromEnv(env);
  if (catalogFile !== undefined) loadStaticCatalog(catalogFile);
  await Promise.all([...operations.map((operation) => loadHandler(operation.name)), loadHandler(ROUTE_NOT_FOUND)]);
} catch (error) {
  await dynamoDb.stop();
  fail((error as Error).message);
}

// The table's change events, as the stack publishes them to EventBridge (docs/events.md).
const changeEvents =
  eventsSetting === 'off' ? undefined : await startLocalChangeEvents({ endpoint: dynamoDb.endpoint, streamArn, deliver: deliveryFromSetting(eventsSetting) });
const server = createLocalFront({ tokens, tenantClaim: env.TENANT_CLAIM, iamKeys });
server.listen(port, host);
try {
  await once(server, 'listening');
} catch (error) {
  await dynamoDb.stop();
  fail(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
}

const address = server.address() as { port: number };
const base = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
const [first] = tokens;
const catalogText = env.REGISTRY_CATALOG === sampleCatalog ? `sample (${relative(projectDir, sampleCatalog)})` : env.REGISTRY_CATALOG;
const exampleImage = env.REGISTRY_CATALOG === sampleCatalog ? 'spark-3.5-ubuntu-22.04' : 'my-image';
console.log(`Image registry (Sahara image registry API v1.1 and v2) is ready.

  API:      ${base}/v1.1/${first!.tenant}/images
  API v2:   ${base}/v2/images
  images:   ${base}/image  (the catalog, Glance v2 compatible: the openstack CLI, docs/openstack-cli.md)
  token:    ${first!.token}  (tenant ${first!.tenant}${first!.readOnly ? ', read-only' : ''})${tokens.length > 1 ? `\n            and ${tokens.length - 1} more from REGISTRY_DEV_TOKENS` : ''}
  data:     ${dataDir === undefined ? 'in memory (REGISTRY_DATA_DIR=memory)' : relative(process.cwd(), dataDir) || dataDir}
  catalog:  ${catalogText}
  events:   ${eventsSetting === 'print' ? 'each change printed below, as EventBridge delivers it (REGISTRY_EVENTS)' : eventsSetting === 'off' ? 'off (REGISTRY_EVENTS=off)' : `each change handed to: ${eventsSetting}`}
${signedExample(iamKeys, serviceCallers, base)}

Try:
  curl -s -X POST -H 'X-Auth-Token: ${first!.token}' -H 'Content-Type: application/json' \\
    -d '{"username": "ubuntu"}' ${base}/v1.1/${first!.tenant}/images/${exampleImage}
  curl -s -H 'X-Auth-Token: ${first!.token}' ${base}/v1.1/${first!.tenant}/images

Ctrl-C stops it.`);

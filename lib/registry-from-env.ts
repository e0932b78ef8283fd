import { catalogFromEnv } from './catalog/catalog-from-env.ts';
import { measuredCatalog } from './catalog/measured-catalog.ts';
import { auditedStore } from './registry/audited-store.ts';
import { createImageRegistry } from './registry/image-registry.ts';
import { createDocumentClient, dynamoDbSettingsFromEnv } from './store/dynamodb-client.ts';
import { createDynamoDbImageStore } from './store/dynamodb-image-store.ts';

/**
 * The composition root every function shares: built once per container, at module load, so warm
 * invocations reuse the SDK client and its connections. Every committed change is logged
 * (auditedStore) and every catalog lookup measured (measuredCatalog).
 */
const createRegistryFromEnv = (env: NodeJS.ProcessEnv = process.env) => {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  return createImageRegistry({
    store: auditedStore(createDynamoDbImageStore({ client: createDocumentClient(dynamoDbSettingsFromEnv(env)), tableName })),
    catalog: measuredCatalog(catalogFromEnv(env)),
  });
};

export const registry = createRegistryFromEnv();

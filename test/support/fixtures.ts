import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { loadStaticCatalog } from '../../lib/catalog/static-catalog.ts';
import { createImageRegistry, type RegistryDependencies } from '../../lib/registry/image-registry.ts';
import { createDocumentClient } from '../../lib/store/dynamodb-client.ts';
import { createDynamoDbImageStore, type DynamoDbImageStoreOptions } from '../../lib/store/dynamodb-image-store.ts';

import { TABLE_NAME } from './constants.ts';

export { TABLE_NAME };

/** Every test works in a tenant of its own, so tests share one table without seeing each other. */
export const newTenant = () => `t-${randomUUID().replaceAll('-', '')}`;

export const documentClient = () => createDocumentClient({ endpoint: inject('dynamodbEndpoint') });

export const testCatalog = () => loadStaticCatalog(process.env.REGISTRY_CATALOG!);

export const testStore = (options: Partial<DynamoDbImageStoreOptions> = {}) =>
  createDynamoDbImageStore({ client: documentClient(), tableName: TABLE_NAME, ...options });

export const testRegistry = (dependencies: Partial<RegistryDependencies> = {}) =>
  createImageRegistry({ store: testStore(), catalog: testCatalog(), ...dependencies });

/**
 * An AMI id no other test uses: AMI ids are global, and a state change reaches every tenant's
 * record of one, so tests that sync AMI states isolate themselves by image as well as by tenant.
 */
export const newAmiId = () => `ami-${randomUUID().replaceAll('-', '').slice(0, 17)}`;

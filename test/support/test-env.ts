import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { TABLE_NAME } from './constants.ts';
import { machineCallerEnv } from './machine-callers.ts';

// The handlers read these when first imported, as a Lambda function does at cold start.
process.env.DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
process.env.TABLE_NAME = TABLE_NAME;
process.env.REGISTRY_CATALOG = fileURLToPath(new URL('./test-catalog.json', import.meta.url));
process.env.TENANT_CLAIM = 'tenant_id';
Object.assign(process.env, machineCallerEnv());

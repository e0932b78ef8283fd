import { createDocumentClient, dynamoDbSettingsFromEnv } from '../../lib/store/dynamodb-client.ts';

/**
 * The cold-start baseline: a function that only creates the DynamoDB document client, as every
 * function here does at module scope. Bundled like the functions, it is what any DynamoDB-backed
 * Lambda function loads; what a function loads beyond it is our own code (and zod and middy).
 */
export const client = createDocumentClient(dynamoDbSettingsFromEnv());

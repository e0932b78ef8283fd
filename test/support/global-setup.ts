import type { TestProject } from 'vitest/node';
import { ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { TABLE_NAME } from './constants.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

/** Starts DynamoDB Local once for the run (in memory) and creates the table as npm start does. */
export default async function setup(project: TestProject) {
  const dynamoDb = await startDynamoDbLocal();
  await ensureTable(dynamoDb.endpoint, TABLE_NAME);
  project.provide('dynamodbEndpoint', dynamoDb.endpoint);
  return () => dynamoDb.stop();
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoDbSettings {
  /** Set for DynamoDB Local; unset in AWS. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly maxAttempts?: number | undefined;
}

export const dynamoDbSettingsFromEnv = (env: NodeJS.ProcessEnv = process.env): DynamoDbSettings => ({
  endpoint: env.DYNAMODB_ENDPOINT || undefined,
  region: env.AWS_REGION || undefined,
  maxAttempts: env.DYNAMODB_MAX_ATTEMPTS ? Number(env.DYNAMODB_MAX_ATTEMPTS) : undefined,
});

export const createDocumentClient = ({ endpoint, region, maxAttempts = 3 }: DynamoDbSettings = {}) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: region ?? (endpoint ? 'local' : undefined),
      // DynamoDB Local accepts any credentials; in AWS the function's role provides them.
      ...(endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
      maxAttempts,
      // A hung connection should become a retry, then a 503, well inside API Gateway's 30 s.
      // throwOnRequestTimeout: without it the SDK only logs a warning and keeps waiting.
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );

import { channel } from 'node:diagnostics_channel';
import { type ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { boundByDeadline } from '../deadline.ts';
import { CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS, SDK_MAX_ATTEMPTS } from '../time-budget.ts';

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

/** One DynamoDB call as seen from outside the SDK: what was asked, how long it took, what it cost. */
export interface DynamoDbCall {
  /** The DynamoDB action: `GetItem`, `Query`, `TransactWriteItems`... */
  readonly action: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** performance.now() when the call entered the SDK and when its answer (or failure) left it, retries included. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** What DynamoDB reported; observed calls ask for it (`ReturnConsumedCapacity: TOTAL`). */
  readonly consumedCapacity: readonly ConsumedCapacity[];
  readonly failed: boolean;
}

/**
 * Every call of every client made here is published on this channel while someone subscribes to
 * it: the bench and the DynamoDB floor tests, which observe the very client the handlers use. With
 * no subscriber the middleware costs one property read and the request is left untouched.
 */
export const dynamoDbCallChannel = channel('image-registry:dynamodb-call');

const capacityOf = (output: unknown): ConsumedCapacity[] => {
  const reported = (output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] } | undefined)?.ConsumedCapacity;
  return reported === undefined ? [] : Array.isArray(reported) ? reported : [reported];
};

const observeCalls = (client: DynamoDBClient) =>
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!dynamoDbCallChannel.hasSubscribers) return next(args);
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const action = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const startedAt = performance.now();
      const publish = (output: unknown, failed: boolean) =>
        dynamoDbCallChannel.publish({
          action,
          input,
          startedAt,
          endedAt: performance.now(),
          consumedCapacity: capacityOf(output),
          failed,
        } satisfies DynamoDbCall);
      try {
        const result = await next(args);
        publish(result.output, false);
        return result;
      } catch (error) {
        publish(error, true);
        throw error;
      }
    },
    // The outermost step, so the time covers serialization, signing, retries and parsing.
    { step: 'initialize', priority: 'high', name: 'observeDynamoDbCalls' },
  );

export const createDocumentClient = ({ endpoint, region, maxAttempts = SDK_MAX_ATTEMPTS }: DynamoDbSettings = {}) => {
  const client = new DynamoDBClient({
    endpoint,
    region: region ?? (endpoint ? 'local' : undefined),
    // DynamoDB Local accepts any credentials; in AWS the function's role provides them.
    ...(endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts,
    // A hung connection becomes a retry, then a 503, inside the function's time (lib/time-budget.ts).
    // throwOnRequestTimeout: without it the SDK only logs a warning and keeps waiting.
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  });
  observeCalls(client);
  return boundByDeadline(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }));
};

/** A table and the client that reaches it: what every part of the store works on. */
export interface TableAccess {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { remainingMs } from '../deadline.ts';
import { DependencyUnavailableError } from '../registry/errors.ts';
import type { ImageRecord } from '../registry/image.ts';
import type { TableAccess } from './dynamodb-client.ts';
import { callDynamoDb } from './dynamodb-errors.ts';
import { compareIds } from './id-order.ts';
import { recordOf } from './image-item.ts';
import { keys } from './keys.ts';

/** BatchGetItem reads at most 100 keys per call. */
export const BATCH_GET_LIMIT = 100;
/** How often keys DynamoDB left unprocessed (it throttled part of a batch) are asked for again. */
const UNPROCESSED_RETRIES = 8;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One BatchGetItem of at most 100 records, asking again, with backoff, for what DynamoDB left unprocessed. */
const readBatch = async ({ client, tableName }: TableAccess, tenant: string, ids: readonly string[]) => {
  const found: Record<string, unknown>[] = [];
  let requested: Record<string, unknown>[] = ids.map((id) => ({ ...keys.image(tenant, id) }));
  for (let attempt = 0; requested.length > 0; attempt++) {
    if (attempt > UNPROCESSED_RETRIES) throw new DependencyUnavailableError('database');
    if (attempt > 0) {
      const delay = Math.random() * 20 * 2 ** attempt;
      // A wait past the request's deadline would only end in Lambda's timeout: give up now, as DynamoDB's throttling would have it.
      if (remainingMs() < delay) throw new DependencyUnavailableError('database');
      await sleep(delay);
    }
    const keysToRead = requested;
    const result = await callDynamoDb(() => client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keysToRead, ConsistentRead: true } } })));
    found.push(...(result.Responses?.[tableName] ?? []));
    requested = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
  }
  return found;
};

/** The tenant's records of `ids` that exist, strongly consistent, in ascending id order. */
export const readRecords = async (table: TableAccess, tenant: string, ids: readonly string[]): Promise<ImageRecord[]> => {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_GET_LIMIT) chunks.push(ids.slice(i, i + BATCH_GET_LIMIT));
  const pages = await Promise.all(chunks.map((chunk) => readBatch(table, tenant, chunk)));
  return pages
    .flat()
    .map(recordOf)
    .sort((a, b) => compareIds(a.id, b.id));
};

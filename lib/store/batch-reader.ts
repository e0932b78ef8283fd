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
const BATCH_GET_LIMIT = 100;
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

/**
 * BatchGetItem calls a whole list keeps in flight. A list of thousands of matches reads them 100
 * at a time; one call after another it waits out every round trip (5-10 ms each in-region, 25 of
 * them for 2,500 matches). Four at once cut that wait to a quarter while keeping each list's burst
 * at about 400 read units and four connections, well inside the table's partition (3,000 read
 * units a second) and the SDK's sockets; the function's own CPU (a third of a vCPU at 512 MB),
 * which turns each answer into records, gains little from more. docs/performance.md has the figures.
 */
export const BATCH_FAN_OUT = 4;

/** The tenant's records of `ids` (at most BATCH_GET_LIMIT) that exist, strongly consistent, in ascending id order. */
const readRecords = async (table: TableAccess, tenant: string, ids: readonly string[]): Promise<ImageRecord[]> =>
  (await readBatch(table, tenant, ids)).map(recordOf).sort((a, b) => compareIds(a.id, b.id));

/**
 * The tenant's records of `ids` that exist, strongly consistent, batch after batch in the order of
 * `ids`, each batch in ascending id order. A caller that expects only the first `expected` (a page)
 * gets them one batch at a time, the first sized to what it expects, so that stopping early reads
 * nothing more. A caller that takes them all (a whole list) gets BATCH_FAN_OUT batches in flight:
 * the same calls and read units, in a fraction of the time. Unprocessed keys are asked for again
 * within each batch (readBatch), against the request's deadline.
 */
export async function* recordBatches(table: TableAccess, tenant: string, ids: readonly string[], expected?: number): AsyncGenerator<ImageRecord[]> {
  const batches: string[][] = [];
  for (let start = 0, size = Math.min(BATCH_GET_LIMIT, expected ?? BATCH_GET_LIMIT); start < ids.length; start += size, size = BATCH_GET_LIMIT) {
    batches.push(ids.slice(start, start + size));
  }
  const inFlight: Promise<ImageRecord[]>[] = [];
  const fanOut = expected === undefined ? BATCH_FAN_OUT : 1;
  let next = 0;
  const readNext = () => {
    const read = readRecords(table, tenant, batches[next++]!);
    // A list abandoned with reads still in flight (a failed batch before them) must not leave a rejection unhandled.
    read.catch(() => undefined);
    inFlight.push(read);
  };
  while (inFlight.length > 0 || next < batches.length) {
    // Refilled only when the caller asks for more, so a page that stops reads no batch past it.
    while (inFlight.length < fanOut && next < batches.length) readNext();
    yield await inFlight.shift()!;
  }
}

import { type DynamoDbCall, dynamoDbCallChannel } from '../../lib/store/dynamodb-client.ts';

export type { DynamoDbCall };

const READ_ACTIONS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

/**
 * Records every DynamoDB call made in this process while `work` runs, from the clients the
 * handlers themselves use (lib/store/dynamodb-client.ts publishes them).
 */
export const callsDuring = async <T>(work: () => Promise<T>): Promise<{ result: T; calls: DynamoDbCall[] }> => {
  const calls: DynamoDbCall[] = [];
  const record = (message: unknown) => calls.push(message as DynamoDbCall);
  dynamoDbCallChannel.subscribe(record);
  try {
    const result = await work();
    return { result, calls };
  } finally {
    dynamoDbCallChannel.unsubscribe(record);
  }
};

/** `{ GetItem: 1, TransactWriteItems: 1 }` */
export const countByAction = (calls: readonly DynamoDbCall[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const { action } of calls) counts[action] = (counts[action] ?? 0) + 1;
  return counts;
};

const unitsOf = (call: DynamoDbCall) => call.consumedCapacity.reduce((sum, { CapacityUnits = 0 }) => sum + CapacityUnits, 0);

/** Read and write capacity units the calls consumed, as DynamoDB reported them. */
export const capacityOf = (calls: readonly DynamoDbCall[]) => {
  let read = 0;
  let write = 0;
  for (const call of calls) {
    if (READ_ACTIONS.has(call.action)) read += unitsOf(call);
    else write += unitsOf(call);
  }
  return { read, write };
};

/** Milliseconds during which at least one call was inside the SDK (parallel calls count once). */
export const timeInCalls = (calls: readonly DynamoDbCall[]): number => {
  const spans = calls.map(({ startedAt, endedAt }) => [startedAt, endedAt] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [from, to] of spans) {
    if (from > end) {
      if (end > start) total += end - start;
      [start, end] = [from, to];
    } else if (to > end) end = to;
  }
  if (end > start) total += end - start;
  return total;
};

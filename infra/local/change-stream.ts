import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * Reads the registry table's change stream on DynamoDB Local, as Lambda's event source mapping
 * reads it in AWS, and hands the records over in the shape a Lambda function receives them
 * (aws-lambda's DynamoDBRecord), so the local front runs the same publisher code as the stack.
 */
export interface ChangeStream {
  /** Every record written since the last read (since opening, the first time), shard by shard in order. */
  read(): Promise<DynamoDBRecord[]>;
  close(): void;
}

interface ShardState {
  iterator?: string | undefined;
  /** The last record read (or passed over at opening): where to pick up again after DynamoDB Local trims an iterator. */
  lastSequenceNumber?: string | undefined;
  /** Read to its end (a closed shard whose iterator ran out). */
  done: boolean;
  readonly parent?: string | undefined;
}

/** In the shape Lambda delivers: times as epoch seconds, the rest as the Streams API answers it. */
const lambdaRecordOf = ({ dynamodb, ...record }: _Record, streamArn: string): DynamoDBRecord => ({
  ...record,
  eventSourceARN: streamArn,
  dynamodb: {
    ...dynamodb,
    ApproximateCreationDateTime: dynamodb?.ApproximateCreationDateTime ? dynamodb.ApproximateCreationDateTime.getTime() / 1000 : undefined,
  } as NonNullable<DynamoDBRecord['dynamodb']>,
});

export const openChangeStream = async ({ endpoint, streamArn }: { endpoint: string; streamArn: string }): Promise<ChangeStream> => {
  const client = new DynamoDBStreamsClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const shards = new Map<string, ShardState>();

  const describeShards = async () => {
    const found: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      found.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return found;
  };

  const iteratorOf = async (shardId: string, after?: string) =>
    (
      await client.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(after === undefined ? { ShardIteratorType: 'TRIM_HORIZON' } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
        }),
      )
    ).ShardIterator;

  const getRecords = (iterator: string) => client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));

  /**
   * The shard's records from where `state` stands. DynamoDB Local sometimes answers a valid
   * iterator with TrimmedDataAccessException (aws/aws-sdk-java#2923, seen here under load); the
   * read then resumes after the last record it saw, so nothing is lost or read twice.
   */
  const readShard = async (shardId: string, state: ShardState, into: DynamoDBRecord[]) => {
    while (state.iterator) {
      let page: Awaited<ReturnType<typeof getRecords>>;
      try {
        page = await getRecords(state.iterator);
      } catch (error) {
        if ((error as Error).name !== 'TrimmedDataAccessException') throw error;
        state.iterator = await iteratorOf(shardId, state.lastSequenceNumber);
        continue;
      }
      const { Records = [], NextShardIterator } = page;
      into.push(...Records.map((record) => lambdaRecordOf(record, streamArn)));
      state.lastSequenceNumber = Records.at(-1)?.dynamodb?.SequenceNumber ?? state.lastSequenceNumber;
      state.iterator = NextShardIterator;
      if (!NextShardIterator) state.done = true;
      if (Records.length === 0) return;
    }
  };

  // What was written before opening is not news: open shards are read to their end and what they
  // held is passed over (an explicit position, where a LATEST iterator has none); closed ones are not read.
  for (const shard of await describeShards()) {
    const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
    const state: ShardState = { iterator: open ? await iteratorOf(shard.ShardId!) : undefined, done: !open, parent: shard.ParentShardId };
    if (open) await readShard(shard.ShardId!, state, []);
    shards.set(shard.ShardId!, state);
  }

  return {
    async read() {
      // Shards born since the last read are read from their start, once their parent is read to its end.
      for (const shard of await describeShards()) {
        if (!shards.has(shard.ShardId!)) shards.set(shard.ShardId!, { iterator: await iteratorOf(shard.ShardId!), done: false, parent: shard.ParentShardId });
      }
      const records: DynamoDBRecord[] = [];
      for (let progressed = true; progressed; ) {
        progressed = false;
        for (const [shardId, state] of shards) {
          const parent = state.parent === undefined ? undefined : shards.get(state.parent);
          if (state.done || (parent && !parent.done)) continue;
          const before = state.done;
          await readShard(shardId, state, records);
          progressed ||= state.done !== before;
        }
      }
      return records;
    },
    close: () => client.destroy(),
  };
};

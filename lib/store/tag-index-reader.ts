import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableAccess } from './dynamodb-client.ts';
import { callDynamoDb } from './dynamodb-errors.ts';
import { compareIds, type SortKeyRange } from './id-order.ts';
import { keyNames, keys } from './keys.ts';

/**
 * Index entries asked for in the first page of each tag when a query names several: most tags end
 * within it, and a common tag beside a rare one costs no more. A single tag is read whole anyway,
 * so it is read in DynamoDB's 1 MB pages from the start (2,500 entries: one query, not two).
 */
const FIRST_TAG_PAGE = 1000;

/** One page of a tag's index partition: image ids in reading order, and where the next page starts. */
interface TagIndexPage {
  readonly ids: readonly string[];
  /** Absent when the partition was read to its end. */
  readonly next?: unknown;
}

/** Reads one page of `tag`'s index partition from `start` (the start of the range when undefined). */
export type TagPageReader = (tag: string, start: unknown, limit: number | undefined) => Promise<TagIndexPage>;

export interface CandidateOptions {
  /** Whether ids come in ascending order. */
  readonly forward: boolean;
  /** Entries per page; when unset, DynamoDB's 1 MB, and FIRST_TAG_PAGE in the first page of a query naming several tags. */
  readonly pageSize?: number | undefined;
}

/**
 * The ids that may carry every one of `tags`, in reading order. The tags' index partitions are
 * read side by side, a page each per round, and reading stops at the first partition read to its
 * end: an image missing from it cannot match, so a rare tag bounds the cost of a query that also
 * names a common one. What the other partitions showed so far prunes further: they are read in
 * id order, so an id they have passed without listing lacks that tag. The caller still checks
 * every record's own tags, because the index may lag the records.
 */
export const candidateIds = async (readPage: TagPageReader, tags: readonly string[], { forward, pageSize }: CandidateOptions): Promise<string[]> => {
  const readers = tags.map((tag) => ({ tag, ids: [] as string[], seen: new Set<string>(), start: undefined as unknown, done: false }));
  for (let round = 0; !readers.some((reader) => reader.done); round++) {
    const limit = pageSize ?? (round === 0 && readers.length > 1 ? FIRST_TAG_PAGE : undefined);
    await Promise.all(
      readers.map(async (reader) => {
        const page = await readPage(reader.tag, reader.start, limit);
        for (const id of page.ids) {
          reader.ids.push(id);
          reader.seen.add(id);
        }
        reader.start = page.next;
        reader.done = page.next === undefined;
      }),
    );
  }
  const complete = readers.filter((reader) => reader.done).sort((a, b) => a.ids.length - b.ids.length);
  const partial = readers.filter((reader) => !reader.done);
  const [smallest, ...otherComplete] = complete;
  const passed = (reader: (typeof readers)[number], id: string) => {
    const last = reader.ids.at(-1);
    return last !== undefined && (forward ? compareIds(id, last) <= 0 : compareIds(id, last) >= 0);
  };
  return smallest!.ids.filter(
    (id) => otherComplete.every((reader) => reader.seen.has(id)) && partial.every((reader) => reader.seen.has(id) || !passed(reader, id)),
  );
};

/** The page reader over one tenant's tag partitions in GSI1 (keys only), within `range`. */
export const dynamoDbTagPages =
  ({ client, tableName }: TableAccess, tenant: string, range: SortKeyRange): TagPageReader =>
  async (tag, start, limit) => {
    const page = await callDynamoDb(() =>
      client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: keyNames.index,
          KeyConditionExpression: `${keyNames.GSI1PK} = :pk AND ${range.condition}`,
          ExpressionAttributeValues: { ':pk': keys.tagIndexPartition(tenant, tag), ...range.values },
          ScanIndexForward: range.forward,
          ProjectionExpression: keyNames.GSI1SK,
          Limit: limit,
          ExclusiveStartKey: start as Record<string, unknown> | undefined,
        }),
      ),
    );
    return { ids: (page.Items ?? []).map((entry) => keys.imageIdOf(entry[keyNames.GSI1SK] as string)), next: page.LastEvaluatedKey };
  };

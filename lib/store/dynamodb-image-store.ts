import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { randomInt } from 'node:crypto';
import { TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DependencyUnavailableError, StaleRecordError } from '../registry/errors.ts';
import type { ImageFacts, ImageRecord } from '../registry/image.ts';
import type { ImageStore, ListPosition } from '../registry/image-store.ts';
import type { TagChange } from '../registry/tag-rules.ts';
import { log } from '../log.ts';
import { callDynamoDb } from './dynamodb-errors.ts';
import { keys, tagEntryKey } from './keys.ts';
import { tableDefinition } from './table-definition.ts';

/** Index entries asked for in the first page of each tag; most tags end within it. */
const FIRST_TAG_PAGE = 1000;
/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_LIMIT = 100;
/** TransactWriteItems takes at most 100 items. */
const TRANSACTION_LIMIT = 100;
const UNPROCESSED_RETRIES = 8;

interface ImageItem {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
  id: string;
  username: string;
  description: string;
  tags: string[];
  facts: ImageFacts;
  createdAt: string;
  updatedAt: string;
  version: number;
}

const toItem = (tenant: string, image: ImageRecord): ImageItem => ({
  ...keys.image(tenant, image.id),
  ...keys.imageIndex(tenant, image.id),
  id: image.id,
  username: image.username,
  description: image.description,
  tags: [...image.tags],
  facts: image.facts,
  createdAt: image.createdAt,
  updatedAt: image.updatedAt,
  version: image.version,
});

/**
 * The items one image occupies: its record and an index entry per tag, exactly as the store writes
 * them. For bulk loading (the bench seeds thousands of images in batches); the store writes one by one.
 */
export const imageItems = (tenant: string, image: ImageRecord): Record<string, unknown>[] => [
  toItem(tenant, image) as unknown as Record<string, unknown>,
  ...image.tags.map((tag) => keys.tagEntry(tenant, image.id, tag) as unknown as Record<string, unknown>),
];

const fromItem = (item: Record<string, unknown>): ImageRecord => {
  const { id, username, description, tags, facts, createdAt, updatedAt, version } = item as unknown as ImageItem;
  return { id, username, description, tags, facts, createdAt, updatedAt, version };
};

/** DynamoDB orders string keys by their UTF-8 bytes, which is not JavaScript's UTF-16 order for every id. */
const compareIds = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const byId = (a: ImageRecord, b: ImageRecord) => compareIds(a.id, b.id);
const IMAGE_PREFIX = keys.imageSortKeyPrefix;

const imageIndexValues = (tenant: string, imageId: string) => {
  const { GSI1PK, GSI1SK } = keys.imageIndex(tenant, imageId);
  return { ':imageIndexPK': GSI1PK, ':imageIndexSK': GSI1SK };
};

/** Attribute names go through placeholders, so DynamoDB's reserved words never bite. */
const attributeNames = (...names: string[]) => Object.fromEntries(names.map((name) => [`#${name}`, name]));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The version a new record starts from: random, not 1. Unregister deletes the record, so an image
 * can be unregistered and created again; counting from 1 each time would let a writer that read
 * the old record pass its version guard against the new one (ABA) and leave the tag index
 * disagreeing with the record. A random start makes that a 1 in 2^47 coincidence.
 */
const firstVersion = () => randomInt(1, 2 ** 47);

/** A write lost its race when its own guard failed or another transaction held the items. */
const isLostRace = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some(
      (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
    ));

export interface DynamoDbImageStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Items per Query page; DynamoDB's own 1 MB page when unset. Tests set it to exercise paging. */
  readonly pageSize?: number;
}

/** The single-table adapter of the ImageStore port. See DESIGN.md, "Data model". */
export const createDynamoDbImageStore = ({ client, tableName, pageSize }: DynamoDbImageStoreOptions): ImageStore => {
  const TableName = tableName;

  /** Query pages, one DynamoDB call at a time, each call's failures mapped as every other call's. */
  async function* queryItems(input: Omit<Parameters<typeof paginateQuery>[1], 'TableName' | 'Limit'>, limit?: number) {
    const pages = paginateQuery({ client, pageSize: pageSize ?? limit }, { TableName, ...input });
    for (;;) {
      const page = await callDynamoDb(() => pages.next());
      if (page.done) return;
      yield* page.value.Items ?? [];
    }
  }

  const queryAll = async (input: Omit<Parameters<typeof paginateQuery>[1], 'TableName' | 'Limit'>) => {
    const items: Record<string, unknown>[] = [];
    for await (const item of queryItems(input)) items.push(item);
    return items;
  };

  /** A sort-key condition for the records on one side of `position`, and the direction to read. */
  const sortKeyRange = (sortKey: string, position: ListPosition | undefined) => {
    if (position === undefined) return { condition: `begins_with(${sortKey}, :image)`, values: { ':image': IMAGE_PREFIX }, forward: true };
    if ('after' in position) return { condition: `${sortKey} > :bound`, values: { ':bound': `${IMAGE_PREFIX}${position.after}` }, forward: true };
    return { condition: `${sortKey} < :bound`, values: { ':bound': `${IMAGE_PREFIX}${position.before}` }, forward: false };
  };

  /**
   * The ids that may carry every one of `tags`, in reading order. The tags' index partitions are
   * read side by side, a page each per round, and reading stops at the first partition read to its
   * end: an image missing from it cannot match, so a rare tag bounds the cost of a query that also
   * names a common one. What the other partitions showed so far prunes further: they are read in
   * id order, so an id they have passed without listing lacks that tag. The caller still checks
   * every record's own tags.
   */
  const candidateIds = async (tenant: string, tags: readonly string[], range: ReturnType<typeof sortKeyRange>) => {
    const { tagIndex } = tableDefinition;
    const readers = tags.map((tag) => ({
      tag,
      ids: [] as string[],
      seen: new Set<string>(),
      startKey: undefined as Record<string, unknown> | undefined,
      done: false,
    }));
    for (let round = 0; !readers.some((reader) => reader.done); round++) {
      // The first page (FIRST_TAG_PAGE entries) holds most tags whole; past it, DynamoDB's 1 MB pages.
      const limit = pageSize ?? (round === 0 ? FIRST_TAG_PAGE : undefined);
      await Promise.all(
        readers.map(async (reader) => {
          const page = await callDynamoDb(() =>
            client.send(
              new QueryCommand({
                TableName,
                IndexName: tagIndex.name,
                KeyConditionExpression: `${tagIndex.partitionKey} = :pk AND ${range.condition}`,
                ExpressionAttributeValues: { ':pk': keys.tagIndexPartition(tenant, reader.tag), ...range.values },
                ScanIndexForward: range.forward,
                ProjectionExpression: tagIndex.sortKey,
                Limit: limit,
                ExclusiveStartKey: reader.startKey,
              }),
            ),
          );
          for (const entry of page.Items ?? []) {
            const id = keys.imageIdOf(entry[tagIndex.sortKey] as string);
            reader.ids.push(id);
            reader.seen.add(id);
          }
          reader.startKey = page.LastEvaluatedKey;
          reader.done = page.LastEvaluatedKey === undefined;
        }),
      );
    }
    const complete = readers.filter((reader) => reader.done).sort((a, b) => a.ids.length - b.ids.length);
    const partial = readers.filter((reader) => !reader.done);
    const [smallest, ...otherComplete] = complete;
    const passed = (reader: (typeof readers)[number], id: string) => {
      const last = reader.ids.at(-1);
      return last !== undefined && (range.forward ? compareIds(id, last) <= 0 : compareIds(id, last) >= 0);
    };
    return smallest!.ids.filter(
      (id) =>
        otherComplete.every((reader) => reader.seen.has(id)) &&
        partial.every((reader) => reader.seen.has(id) || !passed(reader, id)),
    );
  };

  const batchGetImages = async (tenant: string, imageIds: readonly string[]): Promise<ImageRecord[]> => {
    const chunks: string[][] = [];
    for (let i = 0; i < imageIds.length; i += BATCH_GET_LIMIT) chunks.push(imageIds.slice(i, i + BATCH_GET_LIMIT));
    const pages = await Promise.all(
      chunks.map(async (chunk) => {
        const found: Record<string, unknown>[] = [];
        let requested: Record<string, unknown>[] = chunk.map((id) => keys.image(tenant, id) as unknown as Record<string, unknown>);
        for (let attempt = 0; requested.length > 0; attempt++) {
          if (attempt > UNPROCESSED_RETRIES) throw new DependencyUnavailableError('database');
          if (attempt > 0) await sleep(Math.random() * 20 * 2 ** attempt);
          const keysToRead = requested;
          const result = await callDynamoDb(() =>
            client.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: keysToRead, ConsistentRead: true } } })),
          );
          found.push(...(result.Responses?.[TableName] ?? []));
          requested = result.UnprocessedKeys?.[TableName]?.Keys ?? [];
        }
        return found;
      }),
    );
    return pages.flat().map(fromItem).sort(byId);
  };

  /** Runs a guarded write; a lost race becomes StaleRecordError for the registry to retry. */
  const guarded = async (imageId: string, write: () => Promise<unknown>) => {
    try {
      await callDynamoDb(write);
    } catch (error) {
      if (isLostRace(error)) throw new StaleRecordError(imageId);
      throw error;
    }
  };

  /**
   * Deletes the entries of tags the record no longer has, in a transaction that checks the record
   * still lacks them: a writer that gave a tag back meanwhile keeps its entry. The tag change itself
   * is committed, so a failure here is logged, not reported; the caller's answer is right.
   */
  const deleteStaleEntries = async (tenant: string, imageId: string, tags: readonly string[]) => {
    try {
      for (let i = 0; i < tags.length; i += TRANSACTION_LIMIT - 1) {
        const chunk = tags.slice(i, i + TRANSACTION_LIMIT - 1);
        await callDynamoDb(() =>
          client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  ConditionCheck: {
                    TableName,
                    Key: keys.image(tenant, imageId),
                    ConditionExpression: chunk.map((_tag, n) => `NOT contains(#tags, :tag${n})`).join(' AND '),
                    ExpressionAttributeNames: attributeNames('tags'),
                    ExpressionAttributeValues: Object.fromEntries(chunk.map((tag, n) => [`:tag${n}`, tag])),
                  },
                },
                ...chunk.map((tag) => ({ Delete: { TableName, Key: tagEntryKey(tenant, imageId, tag) } })),
              ],
            }),
          ),
        );
      }
    } catch (error) {
      if (!isLostRace(error)) log.warn('stale tag entries left in the index', { imageId, tags, error });
    }
  };

  return {
    async getImage(tenant, imageId) {
      const { Item } = await callDynamoDb(() =>
        client.send(new GetCommand({ TableName, Key: keys.image(tenant, imageId), ConsistentRead: true })),
      );
      return Item ? fromItem(Item) : undefined;
    },

    async *listImages(tenant, { position, expected } = {}) {
      const range = sortKeyRange('SK', position);
      const items = queryItems(
        {
          KeyConditionExpression: `PK = :pk AND ${range.condition}`,
          ExpressionAttributeValues: { ':pk': keys.tenantPartition(tenant), ...range.values },
          ScanIndexForward: range.forward,
          ConsistentRead: true,
        },
        expected,
      );
      for await (const item of items) {
        // A range bound (SK > IMAGE#x) is not a prefix: stop at the first key that is not a record's.
        if (!String(item.SK).startsWith(IMAGE_PREFIX)) return;
        yield fromItem(item);
      }
    },

    async *findImagesByTags(tenant, tags, { position, expected } = {}) {
      const range = sortKeyRange(tableDefinition.tagIndex.sortKey, position);
      const ids = await candidateIds(tenant, tags, range);
      // The first read is sized to what the caller expects; later ones take whole batches.
      for (let start = 0, size = Math.min(BATCH_GET_LIMIT, expected ?? BATCH_GET_LIMIT); start < ids.length; start += size, size = BATCH_GET_LIMIT) {
        const records = await batchGetImages(tenant, ids.slice(start, start + size));
        yield* range.forward ? records : records.reverse();
      }
    },

    async registerImage(tenant, imageId, { username, description }, facts, now) {
      const { Attributes } = await callDynamoDb(() =>
        client.send(
          new UpdateCommand({
            TableName,
            Key: keys.image(tenant, imageId),
            UpdateExpression: [
              'SET #id = :id, #username = :username, #facts = :facts, #updatedAt = :now',
              '#GSI1PK = :imageIndexPK, #GSI1SK = :imageIndexSK',
              '#createdAt = if_not_exists(#createdAt, :now)',
              '#tags = if_not_exists(#tags, :noTags)',
              description === undefined ? '#description = if_not_exists(#description, :empty)' : '#description = :description',
              '#version = if_not_exists(#version, :first) + :one',
            ].join(', '),
            ExpressionAttributeNames: attributeNames('id', 'username', 'facts', 'updatedAt', 'GSI1PK', 'GSI1SK', 'createdAt', 'tags', 'description', 'version'),
            ExpressionAttributeValues: {
              ':id': imageId,
              ...imageIndexValues(tenant, imageId),
              ':username': username,
              ':facts': facts,
              ':now': now,
              ':noTags': [],
              ...(description === undefined ? { ':empty': '' } : { ':description': description }),
              ':first': firstVersion(),
              ':one': 1,
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return fromItem(Attributes!);
    },

    async writeTags(tenant, current, change: TagChange, now) {
      const next: ImageRecord = {
        ...current,
        tags: change.next,
        updatedAt: now,
        version: current.version === 0 ? firstVersion() : current.version + 1,
      };
      const recordWrite: NonNullable<TransactWriteCommandInput['TransactItems']>[number] =
        current.version === 0
          ? { Put: { TableName, Item: toItem(tenant, next), ConditionExpression: 'attribute_not_exists(PK)' } }
          : {
              Update: {
                TableName,
                Key: keys.image(tenant, current.id),
                // The index entry is set again so that records written before it existed gain it.
                UpdateExpression: 'SET #tags = :tags, #updatedAt = :now, #version = :next, #GSI1PK = :imageIndexPK, #GSI1SK = :imageIndexSK',
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: attributeNames('tags', 'updatedAt', 'version', 'GSI1PK', 'GSI1SK'),
                ExpressionAttributeValues: {
                  ':tags': next.tags,
                  ':now': now,
                  ':next': next.version,
                  ':expected': current.version,
                  ...imageIndexValues(tenant, current.id),
                },
              },
            };
      // A full replacement (50 tags out, 50 in) is 101 items, one over the transaction limit. The
      // record and every added entry are always in the transaction: the invariant is that each tag
      // on a record has its entry. Removed entries that do not fit are deleted right after it; until
      // then (or for good, if that write fails) such an entry only costs a list by tags one read,
      // because the list re-checks every record's own tags.
      const removable = Math.max(0, TRANSACTION_LIMIT - 1 - change.added.length);
      const removedNow = change.removed.slice(0, removable);
      const removedAfter = change.removed.slice(removable);
      await guarded(current.id, () =>
        client.send(
          new TransactWriteCommand({
            TransactItems: [
              recordWrite,
              ...change.added.map((tag) => ({ Put: { TableName, Item: keys.tagEntry(tenant, current.id, tag) } })),
              ...removedNow.map((tag) => ({ Delete: { TableName, Key: tagEntryKey(tenant, current.id, tag) } })),
            ],
          }),
        ),
      );
      if (removedAfter.length > 0) await deleteStaleEntries(tenant, current.id, removedAfter);
      return next;
    },

    async deleteImage(tenant, current) {
      const recordDelete = {
        TableName,
        Key: keys.image(tenant, current.id),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: attributeNames('version'),
        ExpressionAttributeValues: { ':expected': current.version },
      };
      await guarded(current.id, () =>
        current.tags.length === 0
          ? client.send(new DeleteCommand(recordDelete))
          : client.send(
              new TransactWriteCommand({
                TransactItems: [
                  { Delete: recordDelete },
                  ...current.tags.map((tag) => ({ Delete: { TableName, Key: tagEntryKey(tenant, current.id, tag) } })),
                ],
              }),
            ),
      );
    },

    async findTenantsOfImage(imageId) {
      const { tagIndex } = tableDefinition;
      const entries = await queryAll({
        IndexName: tagIndex.name,
        KeyConditionExpression: `${tagIndex.partitionKey} = :pk`,
        ExpressionAttributeValues: { ':pk': keys.imageIndexPartition(imageId) },
        ProjectionExpression: tagIndex.sortKey,
      });
      return entries.map((entry) => keys.tenantOf(entry[tagIndex.sortKey] as string));
    },

    async updateImageState(tenant, imageId, { status, progress, changedAt }, now) {
      try {
        await callDynamoDb(() =>
          client.send(
            new UpdateCommand({
              TableName,
              Key: keys.image(tenant, imageId),
              UpdateExpression:
                'SET #facts.#status = :status, #facts.#progress = :progress, #stateChangedAt = :changedAt, #updatedAt = :now, #version = #version + :one',
              // Never create a record, and never let a late report undo a newer one.
              ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(#stateChangedAt) OR #stateChangedAt <= :changedAt)',
              ExpressionAttributeNames: attributeNames('facts', 'status', 'progress', 'stateChangedAt', 'updatedAt', 'version'),
              ExpressionAttributeValues: { ':status': status, ':progress': progress, ':changedAt': changedAt, ':now': now, ':one': 1 },
            }),
          ),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
};

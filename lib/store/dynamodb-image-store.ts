import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  paginateQuery,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { randomInt } from 'node:crypto';
import { TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DependencyUnavailableError, StaleRecordError } from '../registry/errors.ts';
import type { ImageFacts, ImageRecord } from '../registry/image.ts';
import type { ImageStore, Registration } from '../registry/image-store.ts';
import type { TagChange } from '../registry/tag-rules.ts';
import { callDynamoDb } from './dynamodb-errors.ts';
import { keys, tagEntryKey } from './keys.ts';
import { tableDefinition } from './table-definition.ts';

/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_LIMIT = 100;
const UNPROCESSED_RETRIES = 8;

interface ImageItem {
  PK: string;
  SK: string;
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
  id: image.id,
  username: image.username,
  description: image.description,
  tags: [...image.tags],
  facts: image.facts,
  createdAt: image.createdAt,
  updatedAt: image.updatedAt,
  version: image.version,
});

const fromItem = (item: Record<string, unknown>): ImageRecord => {
  const { id, username, description, tags, facts, createdAt, updatedAt, version } = item as unknown as ImageItem;
  return { id, username, description, tags, facts, createdAt, updatedAt, version };
};

const byId = (a: ImageRecord, b: ImageRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

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

  const queryAll = async (input: Omit<Parameters<typeof paginateQuery>[1], 'TableName' | 'Limit'>) => {
    const items: Record<string, unknown>[] = [];
    await callDynamoDb(async () => {
      for await (const page of paginateQuery({ client, pageSize }, { TableName, ...input })) {
        items.push(...(page.Items ?? []));
      }
    });
    return items;
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

  return {
    async getImage(tenant, imageId) {
      const { Item } = await callDynamoDb(() =>
        client.send(new GetCommand({ TableName, Key: keys.image(tenant, imageId), ConsistentRead: true })),
      );
      return Item ? fromItem(Item) : undefined;
    },

    async listImages(tenant) {
      const items = await queryAll({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :image)',
        ExpressionAttributeValues: { ':pk': keys.tenantPartition(tenant), ':image': keys.imageSortKeyPrefix },
        ConsistentRead: true,
      });
      return items.map(fromItem);
    },

    async findImagesByTags(tenant, tags) {
      const { tagIndex } = tableDefinition;
      const idSets = await Promise.all(
        tags.map(async (tag) => {
          const entries = await queryAll({
            IndexName: tagIndex.name,
            KeyConditionExpression: `${tagIndex.partitionKey} = :pk`,
            ExpressionAttributeValues: { ':pk': keys.tagIndexPartition(tenant, tag) },
            ProjectionExpression: tagIndex.sortKey,
          });
          return new Set(entries.map((entry) => keys.imageIdOf(entry[tagIndex.sortKey] as string)));
        }),
      );
      idSets.sort((a, b) => a.size - b.size);
      const [smallest = new Set<string>(), ...others] = idSets;
      const ids = [...smallest].filter((id) => others.every((set) => set.has(id)));
      return ids.length > 0 ? batchGetImages(tenant, ids) : [];
    },

    async registerImage(tenant, imageId, { username, description }, facts, now) {
      const { Attributes } = await callDynamoDb(() =>
        client.send(
          new UpdateCommand({
            TableName,
            Key: keys.image(tenant, imageId),
            UpdateExpression: [
              'SET #id = :id, #username = :username, #facts = :facts, #updatedAt = :now',
              '#createdAt = if_not_exists(#createdAt, :now)',
              '#tags = if_not_exists(#tags, :noTags)',
              description === undefined ? '#description = if_not_exists(#description, :empty)' : '#description = :description',
              '#version = if_not_exists(#version, :first) + :one',
            ].join(', '),
            ExpressionAttributeNames: attributeNames('id', 'username', 'facts', 'updatedAt', 'createdAt', 'tags', 'description', 'version'),
            ExpressionAttributeValues: {
              ':id': imageId,
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
                UpdateExpression: 'SET #tags = :tags, #updatedAt = :now, #version = :next',
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: attributeNames('tags', 'updatedAt', 'version'),
                ExpressionAttributeValues: { ':tags': next.tags, ':now': now, ':next': next.version, ':expected': current.version },
              },
            };
      await guarded(current.id, () =>
        client.send(
          new TransactWriteCommand({
            TransactItems: [
              recordWrite,
              ...change.added.map((tag) => ({ Put: { TableName, Item: keys.tagEntry(tenant, current.id, tag) } })),
              ...change.removed.map((tag) => ({ Delete: { TableName, Key: tagEntryKey(tenant, current.id, tag) } })),
            ],
          }),
        ),
      );
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
  };
};

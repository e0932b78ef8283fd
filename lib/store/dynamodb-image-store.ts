import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, paginateQuery, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ImageStore } from '../registry/image-store.ts';
import { recordBatches } from './batch-reader.ts';
import { callDynamoDb } from './dynamodb-errors.ts';
import { sortKeyRange } from './id-order.ts';
import { attributeNames, imageIndexValues, recordOf } from './image-item.ts';
import { keyNames, keys } from './keys.ts';
import { refreshRecordFacts, scanRecordFacts } from './record-sweep.ts';
import { candidateIds, dynamoDbTagPages } from './tag-index-reader.ts';
import { writeTagChange } from './tag-writes.ts';
import { appliedIfConditionHeld, firstVersion, guardedWrite } from './write-guard.ts';

export interface DynamoDbImageStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Items per Query page; DynamoDB's own 1 MB page when unset. Tests set it to exercise paging. */
  readonly pageSize?: number;
}

type QueryInput = Omit<Parameters<typeof paginateQuery>[1], 'TableName' | 'Limit'>;

/**
 * The single-table adapter of the ImageStore port (docs/architecture.md, "Data model"). Keys come
 * from keys.ts, items from image-item.ts; reading the tag index, batch reads and tag-change
 * transactions each have a file of their own.
 */
export const createDynamoDbImageStore = ({ client, tableName, pageSize }: DynamoDbImageStoreOptions): ImageStore => {
  const table = { client, tableName };

  /** Query pages, one DynamoDB call at a time, each call's failures mapped as every other call's. */
  async function* queryPages(input: QueryInput, limit?: number) {
    const pages = paginateQuery({ client, pageSize: pageSize ?? limit }, { TableName: tableName, ...input });
    for (;;) {
      const page = await callDynamoDb(() => pages.next());
      if (page.done) return;
      yield page.value.Items ?? [];
    }
  }

  return {
    async getImage(tenant, imageId) {
      const { Item } = await callDynamoDb(() => client.send(new GetCommand({ TableName: tableName, Key: keys.image(tenant, imageId), ConsistentRead: true })));
      return Item ? recordOf(Item) : undefined;
    },

    async *listImages(tenant, { position, expected, descending } = {}) {
      const range = sortKeyRange(keyNames.SK, position, descending);
      const pages = queryPages(
        {
          KeyConditionExpression: `${keyNames.PK} = :pk AND ${range.condition}`,
          ExpressionAttributeValues: { ':pk': keys.tenantPartition(tenant), ...range.values },
          ScanIndexForward: range.forward,
          ConsistentRead: true,
        },
        expected,
      );
      for await (const items of pages) {
        // A range bound (SK > IMAGE#x) is not a prefix: stop at the first key that is not a record's.
        const end = items.findIndex((item) => !keys.isImageSortKey(String(item[keyNames.SK])));
        const records = (end === -1 ? items : items.slice(0, end)).map(recordOf);
        if (records.length > 0) yield records;
        if (end !== -1) return;
      }
    },

    async *findImagesByTags(tenant, tags, { position, expected, descending } = {}) {
      const range = sortKeyRange(keyNames.GSI1SK, position, descending);
      const ids = await candidateIds(dynamoDbTagPages(table, tenant, range), tags, { forward: range.forward, pageSize });
      for await (const records of recordBatches(table, tenant, ids, expected)) yield range.forward ? records : records.reverse();
    },

    async registerImage(tenant, imageId, { username, description }, facts, now) {
      const { Attributes } = await callDynamoDb(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
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
      return recordOf(Attributes!);
    },

    writeTags: (tenant, current, change, now) => writeTagChange(table, tenant, current, change, now),

    async deleteImage(tenant, current) {
      const recordDelete = {
        TableName: tableName,
        Key: keys.image(tenant, current.id),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: attributeNames('version'),
        ExpressionAttributeValues: { ':expected': current.version },
      };
      const entryDeletes = current.tags.map((tag) => ({ Delete: { TableName: tableName, Key: keys.tagEntry(tenant, current.id, tag) } }));
      await guardedWrite(current.id, () =>
        entryDeletes.length === 0
          ? client.send(new DeleteCommand(recordDelete))
          : client.send(new TransactWriteCommand({ TransactItems: [{ Delete: recordDelete }, ...entryDeletes] })),
      );
    },

    async findTenantsOfImage(imageId) {
      const tenants: string[] = [];
      const pages = queryPages({
        IndexName: keyNames.index,
        KeyConditionExpression: `${keyNames.GSI1PK} = :pk`,
        ExpressionAttributeValues: { ':pk': keys.imageIndexPartition(imageId) },
        ProjectionExpression: keyNames.GSI1SK,
      });
      for await (const entries of pages) for (const entry of entries) tenants.push(keys.tenantOf(entry[keyNames.GSI1SK] as string));
      return tenants;
    },

    updateImageState(tenant, imageId, { status, progress, changedAt }, now) {
      return appliedIfConditionHeld(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.image(tenant, imageId),
            UpdateExpression:
              'SET #facts.#status = :status, #facts.#progress = :progress, #stateChangedAt = :changedAt, #updatedAt = :now, #version = #version + :one',
            // Never create a record, never let a late report undo a newer one, and write a repeated report only once.
            ConditionExpression:
              `attribute_exists(${keyNames.PK}) AND (attribute_not_exists(#stateChangedAt) OR #stateChangedAt < :changedAt` +
              ' OR (#stateChangedAt = :changedAt AND #facts.#status <> :status))',
            ExpressionAttributeNames: attributeNames('facts', 'status', 'progress', 'stateChangedAt', 'updatedAt', 'version'),
            ExpressionAttributeValues: { ':status': status, ':progress': progress, ':changedAt': changedAt, ':now': now, ':one': 1 },
          }),
        ),
      );
    },

    scanRecordFacts: () => scanRecordFacts(table),
    refreshFacts: (tenant, imageId, facts, changedAt, now) => refreshRecordFacts(table, tenant, imageId, facts, changedAt, now),
  };
};

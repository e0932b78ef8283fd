import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { log } from '../log.ts';
import type { ImageRecord } from '../registry/image.ts';
import type { TagChange } from '../registry/tag-rules.ts';
import type { TableAccess } from './dynamodb-client.ts';
import { callDynamoDb } from './dynamodb-errors.ts';
import { attributeNames, imageIndexValues, recordItem, tagEntryItem } from './image-item.ts';
import { keyNames, keys } from './keys.ts';
import { firstVersion, guardedWrite, isLostRace } from './write-guard.ts';

/** TransactWriteItems takes at most 100 items. */
const TRANSACTION_LIMIT = 100;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The record's write within a tag change: a guarded create for a record not yet stored (version 0), else a guarded update. */
const recordWrite = (tableName: string, tenant: string, current: ImageRecord, next: ImageRecord): TransactItem =>
  current.version === 0
    ? { Put: { TableName: tableName, Item: recordItem(tenant, next), ConditionExpression: `attribute_not_exists(${keyNames.PK})` } }
    : {
        Update: {
          TableName: tableName,
          Key: keys.image(tenant, current.id),
          // The index entry is set again so that records written before it existed gain it.
          UpdateExpression: 'SET #tags = :tags, #updatedAt = :now, #version = :next, #GSI1PK = :imageIndexPK, #GSI1SK = :imageIndexSK',
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: attributeNames('tags', 'updatedAt', 'version', 'GSI1PK', 'GSI1SK'),
          ExpressionAttributeValues: {
            ':tags': next.tags,
            ':now': next.updatedAt,
            ':next': next.version,
            ':expected': current.version,
            ...imageIndexValues(tenant, current.id),
          },
        },
      };

/**
 * Deletes the entries of tags the record no longer has, in a transaction that checks the record
 * still lacks them: a writer that gave a tag back meanwhile keeps its entry. The tag change itself
 * is committed, so a failure here is logged, not reported; the caller's answer is right.
 */
const deleteStaleEntries = async ({ client, tableName }: TableAccess, tenant: string, imageId: string, tags: readonly string[]) => {
  try {
    for (let i = 0; i < tags.length; i += TRANSACTION_LIMIT - 1) {
      const chunk = tags.slice(i, i + TRANSACTION_LIMIT - 1);
      const stillAbsent: TransactItem = {
        ConditionCheck: {
          TableName: tableName,
          Key: keys.image(tenant, imageId),
          ConditionExpression: chunk.map((_tag, n) => `NOT contains(#tags, :tag${n})`).join(' AND '),
          ExpressionAttributeNames: attributeNames('tags'),
          ExpressionAttributeValues: Object.fromEntries(chunk.map((tag, n) => [`:tag${n}`, tag])),
        },
      };
      const deletes = chunk.map((tag) => ({ Delete: { TableName: tableName, Key: keys.tagEntry(tenant, imageId, tag) } }));
      await callDynamoDb(() => client.send(new TransactWriteCommand({ TransactItems: [stillAbsent, ...deletes] })));
    }
  } catch (error) {
    if (!isLostRace(error)) log.warn('stale tag entries left in the index', { imageId, tags, error });
  }
};

/**
 * Applies a tag change: the record, guarded by its version, and its index entries in one
 * transaction. A full replacement (50 tags out, 50 in) is 101 items, one over the transaction
 * limit. The record and every added entry are always in the transaction: the invariant is that
 * each tag on a record has its entry. Removed entries that do not fit are deleted right after it;
 * until then (or for good, if that write fails) such an entry only costs a list by tags one read,
 * because the list re-checks every record's own tags.
 */
export const writeTagChange = async (table: TableAccess, tenant: string, current: ImageRecord, change: TagChange, now: string): Promise<ImageRecord> => {
  const { tableName } = table;
  const next: ImageRecord = {
    ...current,
    tags: change.next,
    updatedAt: now,
    version: current.version === 0 ? firstVersion() : current.version + 1,
  };
  const removable = Math.max(0, TRANSACTION_LIMIT - 1 - change.added.length);
  const removedNow = change.removed.slice(0, removable);
  const removedAfter = change.removed.slice(removable);
  await guardedWrite(current.id, () =>
    table.client.send(
      new TransactWriteCommand({
        TransactItems: [
          recordWrite(tableName, tenant, current, next),
          ...change.added.map((tag) => ({ Put: { TableName: tableName, Item: tagEntryItem(tenant, current.id, tag) } })),
          ...removedNow.map((tag) => ({ Delete: { TableName: tableName, Key: keys.tagEntry(tenant, current.id, tag) } })),
        ],
      }),
    ),
  );
  if (removedAfter.length > 0) await deleteStaleEntries(table, tenant, current.id, removedAfter);
  return next;
};

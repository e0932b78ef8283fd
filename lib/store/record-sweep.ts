import { paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ImageFacts } from '../registry/image.ts';
import type { RecordFacts } from '../registry/image-store.ts';
import type { TableAccess } from './dynamodb-client.ts';
import { callDynamoDb } from './dynamodb-errors.ts';
import { attributeNames } from './image-item.ts';
import { keyNames, keys } from './keys.ts';
import { appliedIfConditionHeld } from './write-guard.ts';

/**
 * What the daily sweep (lib/registry/image-sweep.ts) reads and writes: every tenant's record of
 * every image, and the facts of one. Never used by a request: a scan costs the whole table.
 */

/** Every record of every tenant, a 1 MB page at a time, eventually consistent (the sweep is not in a hurry). */
export async function* scanRecordFacts({ client, tableName }: TableAccess): AsyncIterable<RecordFacts[]> {
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      // Tag entries share the table; only records have an IMAGE# sort key.
      FilterExpression: `begins_with(#SK, :image)`,
      ProjectionExpression: '#PK, #id, #facts',
      ExpressionAttributeNames: { '#PK': keyNames.PK, '#SK': keyNames.SK, ...attributeNames('id', 'facts') },
      ExpressionAttributeValues: { ':image': keys.imageSortKeyPrefix },
    },
  );
  for (;;) {
    const page = await callDynamoDb(() => pages.next());
    if (page.done) return;
    yield (page.value.Items ?? []).map((item) => ({
      tenant: keys.tenantOf(String(item[keyNames.PK])),
      imageId: String(item.id),
      facts: item.facts as ImageFacts,
    }));
  }
}

/**
 * Replaces a record's facts with the catalog's, as read at `changedAt`, unless the record is gone
 * or a state newer than that was applied (the AMI state sync got there first). Whether it was applied.
 */
export const refreshRecordFacts = (
  { client, tableName }: TableAccess,
  tenant: string,
  imageId: string,
  facts: ImageFacts,
  changedAt: string,
  now: string,
): Promise<boolean> =>
  appliedIfConditionHeld(() =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.image(tenant, imageId),
        UpdateExpression: 'SET #facts = :facts, #stateChangedAt = :changedAt, #updatedAt = :now, #version = #version + :one',
        ConditionExpression: `attribute_exists(${keyNames.PK}) AND (attribute_not_exists(#stateChangedAt) OR #stateChangedAt <= :changedAt)`,
        ExpressionAttributeNames: attributeNames('facts', 'stateChangedAt', 'updatedAt', 'version'),
        ExpressionAttributeValues: { ':facts': facts, ':changedAt': changedAt, ':now': now, ':one': 1 },
      }),
    ),
  );

import { paginateQuery, paginateScan } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { keyNames, keys } from '../../lib/store/keys.ts';
import { documentClient, TABLE_NAME } from './fixtures.ts';

const client = documentClient();

/** Every item of one tenant, records and tag entries, read raw from the table. */
export const tenantItems = async (tenant: string) => {
  const items: Record<string, any>[] = [];
  for await (const page of paginateScan({ client }, { TableName: TABLE_NAME, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      const partition = String(item[keyNames.PK]);
      if (partition === keys.tenantPartition(tenant) || partition.startsWith(`${keys.tenantPartition(tenant)}#`)) items.push(item);
    }
  }
  return items;
};

/** The ids the tag index lists under `tag`. */
export const indexedImageIds = async (tenant: string, tag: string) => {
  const ids: string[] = [];
  for await (const page of paginateQuery(
    { client },
    {
      TableName: TABLE_NAME,
      IndexName: keyNames.index,
      KeyConditionExpression: `${keyNames.GSI1PK} = :pk`,
      ExpressionAttributeValues: { ':pk': keys.tagIndexPartition(tenant, tag) },
    },
  )) {
    ids.push(...(page.Items ?? []).map((item) => keys.imageIdOf(item[keyNames.GSI1SK] as string)));
  }
  return ids.sort();
};

/**
 * The store's invariant: the tag entries of a tenant are exactly the tags on its records (every
 * tag on a record has its entry, and no entry outlives its tag).
 */
export const expectIndexMatchesRecords = async (tenant: string) => {
  const items = await tenantItems(tenant);
  const fromRecords = items
    .filter((item) => keys.isImageSortKey(String(item[keyNames.SK])))
    .flatMap((record) => (record.tags as string[]).map((tag) => `${record.id} ${tag}`))
    .sort();
  const fromEntries = items
    .filter((item) => !keys.isImageSortKey(String(item[keyNames.SK])))
    .map((entry) => `${keys.imageIdOf(entry[keyNames.GSI1SK])} ${keys.tagOf(entry[keyNames.SK])}`)
    .sort();
  expect(fromEntries).toEqual(fromRecords);
};

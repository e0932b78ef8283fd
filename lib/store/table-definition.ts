import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The table's shape, shared by the CDK stack (infra/image-registry-stack.ts) and the local front,
 * so that what runs on a laptop is what is deployed.
 */
export const tableDefinition = {
  partitionKey: 'PK',
  sortKey: 'SK',
  tagIndex: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  // The change stream the change events are published from (lib/events/): each item before and after.
  streamViewType: 'NEW_AND_OLD_IMAGES',
} as const;

export const createTableInput = (tableName: string): CreateTableCommandInput => {
  const { partitionKey, sortKey, tagIndex, streamViewType } = tableDefinition;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType },
    AttributeDefinitions: [partitionKey, sortKey, tagIndex.partitionKey, tagIndex.sortKey].map((AttributeName) => ({
      AttributeName,
      AttributeType: 'S',
    })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: tagIndex.name,
        KeySchema: [
          { AttributeName: tagIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: tagIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
};

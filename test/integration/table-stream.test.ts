import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { ensureTable } from '../../infra/local/dynamodb-local.ts';
import { createTableInput } from '../../lib/store/table-definition.ts';

const endpoint = inject('dynamodbEndpoint');
const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const streamOf = async (tableName: string) => (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;

describe('the table the local front and the tests create', () => {
  it('has its change stream on, with each item before and after, as the stack deploys it', async () => {
    const tableName = `stream-${randomUUID()}`;
    const arn = await ensureTable(endpoint, tableName);
    const table = await streamOf(tableName);
    expect(table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(arn).toBe(table?.LatestStreamArn);
    expect(await ensureTable(endpoint, tableName)).toBe(arn);
  });

  it('gains the stream when it was made before the stream existed (data kept from an earlier version)', async () => {
    const tableName = `legacy-${randomUUID()}`;
    const { StreamSpecification: _stream, ...withoutStream } = createTableInput(tableName);
    await client.send(new CreateTableCommand(withoutStream));
    expect((await streamOf(tableName))?.StreamSpecification).toBeUndefined();
    const arn = await ensureTable(endpoint, tableName);
    expect((await streamOf(tableName))?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(arn).toMatch(/stream/);
  });
});

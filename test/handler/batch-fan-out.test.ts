import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_FAN_OUT } from '../../lib/store/batch-reader.ts';
import { v1Client } from '../support/api.ts';
import { callsDuring, capacityOf, countByAction, type DynamoDbCall } from '../support/dynamodb-calls.ts';
import { useFaultProxy } from '../support/fault-proxy-fixture.ts';
import { documentClient, newTenant, TABLE_NAME } from '../support/fixtures.ts';
import { registeredImage, seedImages } from '../support/seed-images.ts';

// The handlers of this file reach DynamoDB Local through the fault proxy; seeding and table inspection reach it directly.
const proxy = await useFaultProxy();

/** The most BatchGetItem calls inside the SDK at one moment. */
const mostInFlight = (calls: readonly DynamoDbCall[]) => {
  const reads = calls.filter((call) => call.action === 'BatchGetItem');
  return Math.max(0, ...reads.map((call) => reads.filter((other) => other.startedAt <= call.startedAt && call.startedAt < other.endedAt).length));
};
const batchReadUnits = (calls: readonly DynamoDbCall[]) => capacityOf(calls.filter((call) => call.action === 'BatchGetItem')).read;

describe('a list of many matches reads its batches side by side, bounded', () => {
  const tenant = newTenant();
  const MATCHES = 950;
  const ids = Array.from({ length: MATCHES }, (_, i) => `img-${String(i).padStart(4, '0')}`);
  beforeAll(() => seedImages({ client: documentClient(), tableName: TABLE_NAME, tenant, images: ids.map((id) => registeredImage(id, ['every'])) }));

  it(`keeps ${BATCH_FAN_OUT} batch reads in flight, with one call per 100 matches and one read unit per record, in id order`, async () => {
    const { result, calls } = await callsDuring(() => v1Client(tenant).list('tags=every'));
    expect(result.json.images.map((image: { id: string }) => image.id)).toEqual(ids);
    expect(countByAction(calls)).toEqual({ Query: 1, BatchGetItem: Math.ceil(MATCHES / 100) });
    expect(mostInFlight(calls)).toBe(BATCH_FAN_OUT);
    // Strongly consistent reads of records under 4 KB: one unit each, as one batch after another would cost.
    expect(batchReadUnits(calls)).toBe(MATCHES);
  });

  it('in descending order too', async () => {
    const { result, calls } = await callsDuring(() => v1Client(tenant).list('tags=every&sort_by=-id'));
    expect(result.json.images.map((image: { id: string }) => image.id)).toEqual(ids.toReversed());
    expect(mostInFlight(calls)).toBe(BATCH_FAN_OUT);
  });

  it('a page reads one batch at a time, sized to the page, and nothing past it', async () => {
    const { result, calls } = await callsDuring(() => v1Client(tenant).list('tags=every&limit=10'));
    expect(result.json.images).toHaveLength(10);
    expect(countByAction(calls)).toEqual({ Query: 1, BatchGetItem: 1 });
    expect(batchReadUnits(calls)).toBe(11);
    // A read started ahead of the page would reach DynamoDB after the answer: give it the time to show.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(proxy.received).toEqual(['Query', 'BatchGetItem']);
  });

  it('asks again for the keys DynamoDB left unprocessed, in every batch in flight, and reads each record once', async () => {
    proxy.inject('unprocessed', ['BatchGetItem']);
    const { result, calls } = await callsDuring(() => v1Client(tenant).list('tags=every'));
    expect(result.status).toBe(200);
    expect(result.json.images.map((image: { id: string }) => image.id)).toEqual(ids);
    // A batch of 100 keys is answered 50, 25, 13, 6, 3, 2, 1 at a time: 7 calls; the last batch (50 keys) 6.
    expect(countByAction(calls)).toEqual({ Query: 1, BatchGetItem: 9 * 7 + 6 });
    expect(mostInFlight(calls)).toBe(BATCH_FAN_OUT);
    expect(batchReadUnits(calls)).toBe(MATCHES);
  });
});

import { randomUUID } from 'node:crypto';
import { DescribeImagesCommand, EC2Client, EC2ServiceException, type Image } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { type ChangeStream, openChangeStream } from '../../infra/local/change-stream.ts';
import { ensureTable } from '../../infra/local/dynamodb-local.ts';
import { lambdaContext } from '../../infra/local/lambda-event.ts';
import { eventAsDelivered } from '../../infra/local/local-change-events.ts';
import { amiStateChange } from '../support/ami-state-change-event.ts';
import { v1Client, v2Client } from '../support/api.ts';
import { documentedEvents, expectDocumentedEvent } from '../support/event-schemas.ts';
import { newAmiId, newTenant } from '../support/fixtures.ts';

/**
 * The change events through the real change stream of DynamoDB Local: the handlers write, the
 * stream is read as Lambda's event source mapping reads it, and the publisher function gets the
 * records; EventBridge, which cannot run here, is mocked at the SDK boundary. The table is this
 * file's own, so its stream holds this file's changes only.
 */
const TABLE = `image-registry-events-${randomUUID().slice(0, 8)}`;
process.env.TABLE_NAME = TABLE;
process.env.REGISTRY_CATALOG = 'ec2';
process.env.AWS_REGION = 'eu-west-1';
const endpoint = inject('dynamodbEndpoint');
const streamArn = await ensureTable(endpoint, TABLE);

const { handler: publishHandler } = await import('../../functions/publish-image-changes.ts');
/** The publisher, as Lambda's event source mapping invokes it with a batch of the stream's records. */
const publish = (event: { Records: DynamoDBRecord[] }) => publishHandler(event, lambdaContext('publish-image-changes'));
const { handler: syncHandler } = await import('../../functions/sync-ami-state.ts');
const syncAmiState = (event: unknown) => syncHandler(event, lambdaContext('sync-ami-state'));

const eventBridge = mockClient(EventBridgeClient);
const ec2 = mockClient(EC2Client);
const amis = new Map<string, Image>();

const ec2Knows = (imageId: string, State: Image['State'] = 'available') =>
  amis.set(imageId, { ImageId: imageId, Name: `spark-${imageId.slice(-6)}`, State, CreationDate: '2026-11-27T09:58:12.000Z', RootDeviceType: 'ebs' });

const accepting = () =>
  eventBridge.on(PutEventsCommand).callsFake(({ Entries = [] }: { Entries?: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: Entries.map(() => ({ EventId: randomUUID() })),
  }));

let stream: ChangeStream;
beforeEach(async () => {
  ec2.on(DescribeImagesCommand).callsFake(({ ImageIds: [imageId] = [] }: { ImageIds?: string[] }) => {
    const image = amis.get(imageId!);
    if (image) return { Images: [image] };
    throw new EC2ServiceException({ name: 'InvalidAMIID.NotFound', $fault: 'client', message: 'not found', $metadata: { httpStatusCode: 400 } });
  });
  accepting();
  // From the stream's present end: each test hears its own changes.
  stream = await openChangeStream({ endpoint, streamArn });
});
afterEach(() => {
  stream.close();
  eventBridge.reset();
  ec2.reset();
});

/**
 * Everything the stream holds by now. DynamoDB Local may show a write in its stream a moment after
 * it answered it (seen once under a loaded machine), so the stream is read until it stays quiet.
 */
const readSettled = async () => {
  const records: DynamoDBRecord[] = [];
  for (let quietReads = 0; quietReads < 3; ) {
    const batch = await stream.read();
    records.push(...batch);
    quietReads = batch.length === 0 ? quietReads + 1 : 0;
    if (batch.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return records;
};

const entriesPut = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

/** Runs the publisher over what the stream holds now, as the event source mapping would hand it over; the events, as a rule's target receives them. */
const publishStream = async () => {
  const records = await readSettled();
  const before = entriesPut().length;
  const answer = await publish({ Records: records });
  const events = entriesPut()
    .slice(before)
    .map((entry) => eventAsDelivered(entry, 'eu-west-1'));
  return { records, answer, events };
};

const summary = (events: ReturnType<typeof eventAsDelivered>[]) =>
  events.map((event) => {
    const detail = event.detail as { tenant: string; image: { username: string; tags: string[] }; added?: string[]; removed?: string[] };
    return [event['detail-type'], detail.tenant, detail.image.username, detail.image.tags.join(','), detail.added?.join(','), detail.removed?.join(',')];
  });

describe('change events from the table stream', () => {
  it('publishes one event per committed change, in order, each as docs/events.md describes it', async () => {
    const [alice, bob] = [newTenant(), newTenant()];
    const image = newAmiId();
    ec2Knows(image);
    const [a1, a2] = [v1Client(alice), v2Client(alice)];
    expect((await a1.register(image, { username: 'ubuntu' })).status).toBe(202);
    expect((await a1.register(image, { username: 'ubuntu', description: 'Spark 3.5' })).status).toBe(202);
    expect((await a1.tag(image, ['spark', '3.5'])).status).toBe(202);
    expect((await a1.untag(image, ['3.5'])).status).toBe(202);
    expect((await a2.replaceTags(image, ['spark', 'hadoop'])).status).toBe(200);
    expect((await v2Client(bob).replaceTags(image, ['bobs'])).status).toBe(200); // not registered by bob yet
    expect((await v1Client(bob).register(image, { username: 'ec2-user' })).status).toBe(202);
    expect((await a2.deleteTags(image)).status).toBe(204);
    expect((await a1.unregister(image)).status).toBe(204);

    const { events, answer } = await publishStream();
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(summary(events)).toEqual([
      ['Image Registered', alice, 'ubuntu', '', undefined, undefined],
      ['Image Registered', alice, 'ubuntu', '', undefined, undefined],
      ['Image Tags Changed', alice, 'ubuntu', '3.5,spark', '3.5,spark', ''],
      ['Image Tags Changed', alice, 'ubuntu', 'spark', '', '3.5'],
      ['Image Tags Changed', alice, 'ubuntu', 'hadoop,spark', 'hadoop', ''],
      ['Image Tags Changed', bob, '', 'bobs', 'bobs', ''],
      ['Image Registered', bob, 'ec2-user', 'bobs', undefined, undefined],
      ['Image Tags Changed', alice, 'ubuntu', '', '', 'hadoop,spark'],
      ['Image Unregistered', alice, '', '', undefined, undefined],
    ]);
    for (const event of events) {
      expectDocumentedEvent(event);
      expect(event).toMatchObject({
        source: 'image-registry',
        detail: { imageId: image, image: { id: image, name: `spark-${image.slice(-6)}`, status: 'ACTIVE' } },
      });
    }
    expect(events[1]!.detail).toMatchObject({ image: { description: 'Spark 3.5' } });
    expect(events.at(-1)!.detail).toMatchObject({ image: { username: '', description: '', tags: [] } });
    expect(entriesPut().every((entry) => entry.EventBusName === 'default')).toBe(true);
    // Each change of alice's record has a version of its own, growing; the removal names the record it removed.
    const aliceVersions = events
      .filter((event) => (event.detail as { tenant: string }).tenant === alice)
      .map((event) => (event.detail as { version: number }).version);
    expect(aliceVersions.slice(0, -1)).toEqual([...aliceVersions.slice(0, -1)].sort((x, y) => x - y));
    expect(new Set(aliceVersions.slice(0, -1)).size).toBe(aliceVersions.length - 1);
    expect(aliceVersions.at(-1)).toBe(aliceVersions.at(-2));
    // The time of the change: the record's update time, as show answers it; the envelope's is the same.
    expect((events[0]!.detail as { time: string }).time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    for (const event of events) expect(event.time).toBe((event.detail as { time: string }).time);
  });

  it('publishes nothing for a refused request, a read, or a change that changes nothing', async () => {
    const tenant = newTenant();
    const image = newAmiId();
    ec2Knows(image);
    const api = v1Client(tenant);
    await api.register(image, { username: 'ubuntu' });
    await api.tag(image, ['spark']);
    expect((await publishStream()).events).toHaveLength(2);

    const refused = [
      await api.tag(image, ['not a tag']),
      await api.tag(
        image,
        Array.from({ length: 50 }, (_, i) => `t${i}`),
      ),
      await api.register(image, { username: '' }),
      await api.register(newAmiId(), { username: 'ubuntu' }),
      await api.unregister('not-an-ami'),
      await v2Client(tenant).list('sort_by=colour'),
    ];
    expect(refused.map((answer) => answer.status)).toEqual([400, 400, 400, 404, 404, 400]);
    const unchanged = [
      await api.tag(image, ['spark']),
      await api.untag(image, ['absent']),
      await api.show(image),
      await api.list('tags=spark'),
      await v2Client(tenant).getTags(image),
      await v2Client(newTenant()).deleteTags(image),
      await v1Client(newTenant()).unregister(image),
    ];
    expect(unchanged.map((answer) => answer.status)).toEqual([202, 202, 200, 200, 200, 204, 204]);
    const { records, events } = await publishStream();
    expect(records).toEqual([]);
    expect(events).toEqual([]);
  });

  it('publishes one event for a tag change that writes a record, fifty entries in and fifty out, in two transactions', async () => {
    const tenant = newTenant();
    const image = newAmiId();
    ec2Knows(image);
    const api = v2Client(tenant);
    await api.register(image, { username: 'ubuntu' });
    const [first, second] = [Array.from({ length: 50 }, (_, i) => `old-${i}`), Array.from({ length: 50 }, (_, i) => `new-${i}`)];
    await api.replaceTags(image, first);
    await publishStream();

    expect((await api.replaceTags(image, second)).status).toBe(200);
    const { records, events } = await publishStream();
    // The record, 50 entries added and 50 removed: 101 items written, over the 100 of one transaction.
    expect(records).toHaveLength(101);
    expect(events).toHaveLength(1);
    expectDocumentedEvent(events[0]!);
    expect(events[0]).toMatchObject({ 'detail-type': 'Image Tags Changed', detail: { added: [...second].sort(), removed: [...first].sort() } });
  });

  it("publishes the AMI sync's state changes, once per tenant; a deregistration as DELETED and no unregistration", async () => {
    const [alice, bob] = [newTenant(), newTenant()];
    const image = newAmiId();
    ec2Knows(image, 'pending');
    await v1Client(alice).register(image, { username: 'ubuntu' });
    await v1Client(bob).register(image, { username: 'ec2-user' });
    await v1Client(bob).tag(image, ['spark']);
    await publishStream();

    await syncAmiState(amiStateChange(image, 'available', '2026-11-27T10:04:40Z'));
    await syncAmiState(amiStateChange(image, 'available', '2026-11-27T10:04:40Z')); // EventBridge delivered it twice
    const available = await publishStream();
    expect(available.events.map((event) => [event['detail-type'], (event.detail as { tenant: string }).tenant]).sort()).toEqual(
      [
        ['Image State Changed', alice],
        ['Image State Changed', bob],
      ].sort(),
    );
    for (const event of available.events) {
      expectDocumentedEvent(event);
      expect(event.detail).toMatchObject({ image: { status: 'ACTIVE' }, previousStatus: 'SAVING' });
    }

    await syncAmiState(amiStateChange(image, 'deregistered', '2026-11-27T11:00:00Z'));
    const deregistered = await publishStream();
    expect(deregistered.events.map((event) => event['detail-type'])).toEqual(['Image State Changed', 'Image State Changed']);
    for (const event of deregistered.events) {
      expectDocumentedEvent(event);
      expect(event.detail).toMatchObject({ image: { status: 'DELETED' }, previousStatus: 'ACTIVE' });
    }
    expect((await v1Client(bob).list()).json.images).toEqual([]);
  });

  it('puts at most ten events per PutEvents call, in their order', async () => {
    const tenant = newTenant();
    const images = Array.from({ length: 23 }, () => newAmiId());
    for (const image of images) {
      ec2Knows(image);
      await v1Client(tenant).register(image, { username: 'ubuntu' });
    }
    const { events, answer } = await publishStream();
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(events.map((event) => (event.detail as { imageId: string }).imageId)).toEqual(images);
  });
});

describe('a delivery that fails', () => {
  /** The stream records of three registrations, as the event source mapping would hand them over (and again on a retry). */
  const threeChanges = async () => {
    const tenant = newTenant();
    for (let i = 0; i < 3; i++) {
      const image = newAmiId();
      ec2Knows(image);
      await v1Client(tenant).register(image, { username: 'ubuntu' });
    }
    const records = await readSettled();
    expect(records).toHaveLength(3);
    return records;
  };
  const sequenceNumberOf = (record: DynamoDBRecord | undefined) => record?.dynamodb?.SequenceNumber;

  it('names the record of the first event EventBridge refused, and a retry from it publishes the rest, in order', async () => {
    const records = await threeChanges();
    eventBridge.reset();
    let calls = 0;
    eventBridge
      .on(PutEventsCommand)
      .callsFake(({ Entries = [] }: { Entries?: PutEventsRequestEntry[] }) =>
        calls++ === 0
          ? { FailedEntryCount: 1, Entries: [{ EventId: 'e-1' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }, { EventId: 'e-3' }] }
          : { FailedEntryCount: 0, Entries: Entries.map(() => ({ EventId: randomUUID() })) },
      );
    expect(await publish({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(records[1]) }] });
    // Lambda retries the batch from that record.
    expect(await publish({ Records: records.slice(1) })).toEqual({ batchItemFailures: [] });
    const versionsPut = (call: number) =>
      eventBridge.commandCalls(PutEventsCommand)[call]!.args[0].input.Entries!.map((entry) => JSON.parse(entry.Detail!).version as number);
    expect(versionsPut(1)).toEqual(versionsPut(0).slice(1));
  });

  it("names the first record of the batch when PutEvents itself fails, after the SDK's retries", async () => {
    const records = await threeChanges();
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('Service unavailable'), { name: 'InternalException', $fault: 'server' }));
    expect(await publish({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumberOf(records[0]) }] });
  });

  it('names no record when a batch holds no change to publish', async () => {
    expect(await publish({ Records: [] })).toEqual({ batchItemFailures: [] });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

describe('docs/events.md', () => {
  it('has a schema for every detail-type, and its examples are valid against them', () => {
    const { validators, examples } = documentedEvents();
    expect([...validators.keys()].sort()).toEqual(['Image Registered', 'Image State Changed', 'Image Tags Changed', 'Image Unregistered']);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expectDocumentedEvent(example as { 'detail-type': string });
  });
});

describe('a record the publisher cannot read', () => {
  it('is passed over, and the changes around it are published', async () => {
    const tenant = newTenant();
    const [before, after] = [newAmiId(), newAmiId()];
    ec2Knows(before);
    ec2Knows(after);
    await v1Client(tenant).register(before, { username: 'ubuntu' });
    await v1Client(tenant).register(after, { username: 'ubuntu' });
    const [first, second] = await readSettled();
    // An image record without its tags: no writer of the registry makes one.
    const broken: DynamoDBRecord = {
      eventName: 'MODIFY',
      dynamodb: {
        SequenceNumber: '1',
        Keys: { PK: { S: `TENANT#${tenant}` }, SK: { S: 'IMAGE#ami-00000000' } },
        OldImage: { PK: { S: `TENANT#${tenant}` }, SK: { S: 'IMAGE#ami-00000000' }, id: { S: 'ami-00000000' } },
        NewImage: { PK: { S: `TENANT#${tenant}` }, SK: { S: 'IMAGE#ami-00000000' }, id: { S: 'ami-00000000' } },
      },
    };
    expect(await publish({ Records: [first!, broken, second!] })).toEqual({ batchItemFailures: [] });
    expect(entriesPut().map((entry) => JSON.parse(entry.Detail!).imageId)).toEqual([before, after]);
  });
});

import { randomUUID } from 'node:crypto';
import { DescribeImagesCommand, EC2Client, EC2ServiceException, type Image } from '@aws-sdk/client-ec2';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { ensureTable } from '../../infra/local/dynamodb-local.ts';
import { lambdaContext } from '../../infra/local/lambda-event.ts';
import { createEc2Catalog, factsOfImage } from '../../lib/catalog/ec2-catalog.ts';
import type { ImageCatalog } from '../../lib/catalog/image-catalog.ts';
import { openCatalog } from '../../lib/catalog/open-catalog.ts';
import { withDeadline } from '../../lib/deadline.ts';
import { log } from '../../lib/log.ts';
import { createImageRegistry } from '../../lib/registry/image-registry.ts';
import type { ImageStore } from '../../lib/registry/image-store.ts';
import { keyNames } from '../../lib/store/keys.ts';
import { v1Client } from '../support/api.ts';
import { documentClient, newAmiId, newTenant, testStore } from '../support/fixtures.ts';
import { registeredImage, seedImages } from '../support/seed-images.ts';

// The sweep reads a whole table: each test sweeps one of its own, so no other test's records are in it.
const endpoint = inject('dynamodbEndpoint');
const newTable = async () => {
  const tableName = `sweep-${randomUUID()}`;
  await ensureTable(endpoint, tableName);
  return tableName;
};

// The function under test at the end reads these when first loaded, as at a cold start.
const FUNCTION_TABLE = await newTable();
process.env.TABLE_NAME = FUNCTION_TABLE;
process.env.REGISTRY_CATALOG = 'ec2';
process.env.AWS_REGION = 'eu-west-1';
delete process.env.AMI_OWNERS;

const ACCOUNT = '123456789012';
const ec2 = mockClient(EC2Client);
afterEach(() => ec2.reset());

/**
 * EC2 as the sweep and the catalog see it: the AMIs in `amis`, by id. ImageIds asks for exact ids
 * (an unknown one is InvalidAMIID.NotFound); an image-id filter leaves unknown ones out. Owners
 * filters ('self' being ACCOUNT). A deregistered AMI is still described, as EC2 does for a while.
 * `throttledWith`: a call that asks about this AMI is throttled.
 */
const amis = new Map<string, Image>();
const fakeEc2 = (throttledWith?: string) =>
  ec2
    .on(DescribeImagesCommand)
    .callsFake(({ ImageIds, Filters, Owners = [] }: { ImageIds?: string[]; Filters?: { Name?: string; Values?: string[] }[]; Owners?: string[] }) => {
      const ids = ImageIds ?? Filters?.find((filter) => filter.Name === 'image-id')?.Values ?? [];
      if (throttledWith !== undefined && ids.includes(throttledWith)) {
        throw new EC2ServiceException({
          name: 'RequestLimitExceeded',
          $fault: 'client',
          message: 'Request limit exceeded.',
          $metadata: { httpStatusCode: 503 },
        });
      }
      const missing = ImageIds?.find((id) => !amis.has(id));
      if (missing) {
        throw new EC2ServiceException({
          name: 'InvalidAMIID.NotFound',
          $fault: 'client',
          message: `The image id '[${missing}]' does not exist`,
          $metadata: { httpStatusCode: 400 },
        });
      }
      const visible = (image: Image) => Owners.length === 0 || Owners.includes(image.OwnerId!) || (Owners.includes('self') && image.OwnerId === ACCOUNT);
      return { Images: ids.flatMap((id) => amis.get(id) ?? []).filter(visible) };
    });

const ami = (State: Image['State'] = 'available', overrides: Partial<Image> = {}): Image => {
  const image: Image = {
    ImageId: newAmiId(),
    Name: 'spark-3.5-ubuntu-22.04',
    State,
    OwnerId: ACCOUNT,
    CreationDate: '2026-11-27T09:58:12.000Z',
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 16 } }],
    ...overrides,
  };
  amis.set(image.ImageId!, image);
  return image;
};

const ec2Catalog = (owners: string[]) => createEc2Catalog({ client: new EC2Client({ region: 'eu-west-1' }), owners });
const testRegistry = ({ store, catalog }: { store: ImageStore; catalog: ImageCatalog }) => createImageRegistry({ store, catalog });

/** A registry on a table of its own, over the ec2 catalog with these owners. */
const sweepWorld = async (owners = ['self']) => {
  const tableName = await newTable();
  const store = testStore({ tableName });
  const registry = testRegistry({ store, catalog: ec2Catalog(owners) });
  const items = async () => {
    const found: Record<string, any>[] = [];
    for await (const page of paginateScan({ client: documentClient() }, { TableName: tableName, ConsistentRead: true })) found.push(...(page.Items ?? []));
    return found.sort((a, b) => `${a[keyNames.PK]}${a[keyNames.SK]}`.localeCompare(`${b[keyNames.PK]}${b[keyNames.SK]}`));
  };
  return { tableName, store, registry, items };
};

const describeCalls = () => ec2.commandCalls(DescribeImagesCommand).map((call) => call.args[0].input);

describe('the daily sweep of AMI records', () => {
  it('refreshes the facts of an AMI that changed without telling the account (a shared or public one), in every tenant', async () => {
    fakeEc2();
    const { registry, store } = await sweepWorld();
    const image = ami('available');
    const [alice, bob] = [newTenant(), newTenant()];
    await registry.registerImage(alice, image.ImageId!, { username: 'ubuntu' });
    await registry.tagImage(bob, image.ImageId!, ['spark']);

    // The owner disabled it; no "EC2 AMI State Change" event reached this account.
    amis.set(image.ImageId!, { ...image, State: 'disabled' });
    const summary = await registry.sweepImages();

    expect(summary).toMatchObject({ records: 2, images: 1, refreshed: 2, removed: 0, failed: 0, complete: true });
    for (const tenant of [alice, bob]) {
      expect((await store.getImage(tenant, image.ImageId!))!.facts).toMatchObject({ status: 'DEACTIVATED', progress: 0, owner: ACCOUNT });
    }
    expect((await store.getImage(bob, image.ImageId!))!.tags).toEqual(['spark']);
  });

  it('removes every tenant record of an AMI that is gone (deregistered, or no longer described), with its tags', async () => {
    fakeEc2();
    const { registry, items } = await sweepWorld();
    const [deregistered, vanished, kept] = [ami(), ami(), ami()];
    const tenants = [newTenant(), newTenant()];
    for (const tenant of tenants) {
      for (const image of [deregistered, vanished, kept]) {
        await registry.registerImage(tenant, image.ImageId!, { username: 'ubuntu' });
        await registry.tagImage(tenant, image.ImageId!, ['spark', '3.5']);
      }
    }
    // Tags set before registration are a record too.
    await registry.tagImage(newTenant(), vanished.ImageId!, ['early']);

    amis.set(deregistered.ImageId!, { ...deregistered, State: 'deregistered' });
    amis.delete(vanished.ImageId!);
    const summary = await registry.sweepImages();

    expect(summary).toMatchObject({ records: 7, images: 3, removed: 5, unchanged: 2, refreshed: 0, failed: 0, complete: true });
    const left = (await items()).map((item) => `${item[keyNames.PK]} ${item[keyNames.SK]}`);
    for (const tenant of tenants) {
      expect(left.filter((key) => key.startsWith(`TENANT#${tenant}`)).sort()).toEqual(
        [`TENANT#${tenant} IMAGE#${kept.ImageId}`, `TENANT#${tenant}#IMAGE#${kept.ImageId} TAG#3.5`, `TENANT#${tenant}#IMAGE#${kept.ImageId} TAG#spark`].sort(),
      );
    }
    expect(left).toHaveLength(6);
  });

  it('asks EC2 once per image, not per record, in batches of 100 ids with the image-id filter and the allowed owners', async () => {
    fakeEc2();
    const { registry, tableName } = await sweepWorld();
    const images = Array.from({ length: 250 }, () => ami());
    // Records as registration writes them, the facts being EC2's current ones.
    const records = images.map((image) => registeredImage(image.ImageId!, [], { facts: factsOfImage(image) }));
    for (const tenant of [newTenant(), newTenant()]) await seedImages({ client: documentClient(), tableName, tenant, images: records });

    const summary = await registry.sweepImages();

    expect(summary).toMatchObject({ records: 500, images: 250, unchanged: 500, refreshed: 0, removed: 0, complete: true });
    const calls = describeCalls();
    expect(calls.map((input) => input.Filters![0]!.Values!.length).sort()).toEqual([100, 100, 50]);
    for (const input of calls)
      expect(input).toMatchObject({ Owners: ['self'], IncludeDisabled: true, IncludeDeprecated: true, Filters: [{ Name: 'image-id' }] });
    expect(new Set(calls.flatMap((input) => input.Filters![0]!.Values!))).toEqual(new Set(images.map((image) => image.ImageId)));
  });

  it('writes nothing for a record whose facts are current', async () => {
    fakeEc2();
    const { registry, store } = await sweepWorld();
    const image = ami();
    const tenant = newTenant();
    const before = await registry.registerImage(tenant, image.ImageId!, { username: 'ubuntu' });
    expect(await registry.sweepImages()).toMatchObject({ unchanged: 1, refreshed: 0 });
    expect(await store.getImage(tenant, image.ImageId!)).toEqual(before);
  });

  it('keeps the newer state an AMI state event applied after EC2 was read', async () => {
    fakeEc2();
    const { registry, store } = await sweepWorld();
    const image = ami('available');
    const tenant = newTenant();
    await registry.registerImage(tenant, image.ImageId!, { username: 'ubuntu' });
    amis.set(image.ImageId!, { ...image, State: 'disabled' });
    // The event of a later change, applied while the sweep was on its way.
    await registry.syncImageState(image.ImageId!, { status: 'ACTIVE', progress: 100, changedAt: new Date(Date.now() + 60_000).toISOString() });
    expect(await registry.sweepImages()).toMatchObject({ refreshed: 0, complete: true });
    expect((await store.getImage(tenant, image.ImageId!))!.facts.status).toBe('ACTIVE');
  });

  it('keeps and refreshes the records of an AMI whose owner amiOwners no longer allows, and warns naming it', async () => {
    fakeEc2();
    const canonical = ami('available', { OwnerId: '099720109477', Public: true });
    const { registry, store } = await sweepWorld(['self', '099720109477']);
    const tenant = newTenant();
    await registry.registerImage(tenant, canonical.ImageId!, { username: 'ubuntu' });
    // The operator narrowed amiOwners to the account itself.
    const narrowed = testRegistry({ store, catalog: ec2Catalog(['self']) });
    amis.set(canonical.ImageId!, { ...canonical, State: 'disabled' });
    const warnings = vi.spyOn(log, 'warn').mockImplementation(() => undefined);
    try {
      expect(await narrowed.sweepImages()).toMatchObject({ refreshed: 1, removed: 0, complete: true });
      expect(warnings).toHaveBeenCalledWith(expect.stringContaining('whose owner amiOwners does not allow'), {
        amis: [{ imageId: canonical.ImageId, owner: '099720109477' }],
      });
    } finally {
      warnings.mockRestore();
    }
    expect((await store.getImage(tenant, canonical.ImageId!))!.facts.status).toBe('DEACTIVATED');
    await expect(narrowed.registerImage(newTenant(), canonical.ImageId!, { username: 'u' })).rejects.toThrow(/is not among the AMI owners/);
  });

  it('leaves records alone when EC2 fails for their batch, goes on with the rest, and reports them as failed', async () => {
    const { registry, store, tableName } = await sweepWorld();
    const images = Array.from({ length: 150 }, () => ami());
    const tenant = newTenant();
    await seedImages({
      client: documentClient(),
      tableName,
      tenant,
      images: images.map((image) => registeredImage(image.ImageId!, [], { facts: factsOfImage(image) })),
    });
    for (const image of images) amis.set(image.ImageId!, { ...image, State: 'disabled' });
    // EC2 throttles the one batch that holds the poisoned AMI, whichever it is, and answers the others.
    const [poisoned] = images;
    fakeEc2(poisoned!.ImageId);
    const warnings = vi.spyOn(log, 'warn').mockImplementation(() => undefined);
    try {
      const summary = await registry.sweepImages();
      expect(summary).toMatchObject({ records: 150, removed: 0, complete: true });
      expect([50, 100]).toContain(summary.failed);
      expect(summary.refreshed).toBe(150 - summary.failed);
      expect(warnings).toHaveBeenCalledWith(
        expect.stringContaining('their records wait for the next sweep'),
        expect.objectContaining({ images: summary.failed }),
      );
    } finally {
      warnings.mockRestore();
    }
    expect((await store.getImage(tenant, poisoned!.ImageId!))!.facts.status).toBe('ACTIVE');
  });

  it('stops at once on a fault of ours (a missing permission), removing nothing', async () => {
    fakeEc2();
    const { registry } = await sweepWorld();
    const image = ami();
    const tenant = newTenant();
    await registry.registerImage(tenant, image.ImageId!, { username: 'ubuntu' });
    ec2
      .on(DescribeImagesCommand)
      .rejects(
        new EC2ServiceException({ name: 'UnauthorizedOperation', $fault: 'client', message: 'You are not authorized', $metadata: { httpStatusCode: 403 } }),
      );
    await expect(registry.sweepImages()).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
    expect(await registry.showImage(tenant, image.ImageId!)).toMatchObject({ username: 'ubuntu' });
  });

  it('reads no further page once too little time is left, and says it did not finish', async () => {
    fakeEc2();
    const { registry } = await sweepWorld();
    await registry.registerImage(newTenant(), ami().ImageId!, { username: 'ubuntu' });
    const summary = await withDeadline(lambdaContext('sweep-ami-records', 20_000), () => registry.sweepImages());
    expect(summary).toMatchObject({ records: 0, complete: false });
  });

  it('leaves alone records of ids the ec2 catalog could never know', async () => {
    fakeEc2();
    const { registry, store } = await sweepWorld();
    const tenant = newTenant();
    await testRegistry({ store, catalog: openCatalog }).registerImage(tenant, 'img-spark-35', { username: 'ubuntu' });
    expect(await registry.sweepImages()).toMatchObject({ records: 1, skipped: 1, images: 0, removed: 0 });
    expect(describeCalls()).toEqual([]);
  });
});

describe('sweep-ami-records (the function the schedule invokes)', () => {
  it('sweeps the table of its deployment, and fails the run when records could not be checked', async () => {
    fakeEc2();
    const { handler } = await import('../../functions/sweep-ami-records.ts');
    const image = ami('available');
    const api = v1Client(newTenant());
    expect((await api.register(image.ImageId!, { username: 'ubuntu' })).status).toBe(202);
    amis.set(image.ImageId!, { ...image, State: 'disabled' });

    await handler({}, lambdaContext('sweep-ami-records', 900_000));
    expect((await api.show(image.ImageId!)).json.image).toMatchObject({ status: 'DEACTIVATED', metadata: { owner: ACCOUNT } });

    ec2
      .on(DescribeImagesCommand)
      .rejects(new EC2ServiceException({ name: 'InternalError', $fault: 'server', message: 'x', $metadata: { httpStatusCode: 500 } }));
    await expect(handler({}, lambdaContext('sweep-ami-records', 900_000))).rejects.toThrow(/1 records could not be checked/);
  });
});

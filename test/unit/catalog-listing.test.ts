import { DescribeImagesCommand, EC2Client, EC2ServiceException, type Image } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogFromEnv } from '../../lib/catalog/catalog-from-env.ts';
import { createEc2Catalog } from '../../lib/catalog/ec2-catalog.ts';
import { openCatalog } from '../../lib/catalog/open-catalog.ts';
import { createStaticCatalog } from '../../lib/catalog/static-catalog.ts';
import { DependencyUnavailableError } from '../../lib/registry/errors.ts';

/** What the read-only image service asks each catalog: one image with its id and formats, and the images of a name. */
const ids = (images: { id: string }[]) => images.map((image) => image.id);

describe('static catalog: browsing', () => {
  const catalog = createStaticCatalog({
    images: [
      { id: 'c', name: 'twin' },
      { id: 'a', name: 'Alpha', diskFormat: 'qcow2', containerFormat: 'bare' },
      { id: 'b', name: 'twin', status: 'SAVING' },
    ],
  });

  it('finds an image with its id, facts and the formats its file gives, keeping the formats out of the facts', async () => {
    const image = await catalog.findImage('a');
    expect(image).toEqual({
      id: 'a',
      facts: { name: 'Alpha', status: 'ACTIVE', progress: 100, minDisk: 0, minRam: 0, size: 0 },
      diskFormat: 'qcow2',
      containerFormat: 'bare',
    });
    expect(await catalog.describeImage('a')).toEqual(image?.facts);
    expect(await catalog.findImage('z')).toBeUndefined();
  });

  it('lists every image by id, or exactly those of a name (case-sensitive, whole name)', async () => {
    expect(ids(await catalog.listImages({}))).toEqual(['a', 'b', 'c']);
    expect(ids(await catalog.listImages({ name: 'twin' }))).toEqual(['b', 'c']);
    expect(ids(await catalog.listImages({ name: 'Twin' }))).toEqual([]);
    expect(ids(await catalog.listImages({ name: 'twi' }))).toEqual([]);
  });

  it('hands out copies: a caller cannot reorder the catalog', async () => {
    (await catalog.listImages({})).reverse();
    expect(ids(await catalog.listImages({}))).toEqual(['a', 'b', 'c']);
  });
});

describe('open catalog: browsing', () => {
  it('finds any well-formed id, without formats, and finds the image whose id is the name looked up', async () => {
    expect(await openCatalog.findImage('my-image')).toEqual({ id: 'my-image', facts: expect.objectContaining({ name: 'my-image', status: 'ACTIVE' }) });
    expect(ids(await openCatalog.listImages({ name: 'my-image' }))).toEqual(['my-image']);
  });

  it('cannot be listed whole, and knows no malformed name', async () => {
    expect(await openCatalog.listImages({})).toEqual([]);
    expect(await openCatalog.listImages({ name: 'a/b' })).toEqual([]);
    expect(await openCatalog.findImage('a/b')).toBeUndefined();
  });
});

const ami = (id: string, overrides: Partial<Image> = {}): Image => ({
  ImageId: id,
  Name: `name-of-${id}`,
  State: 'available',
  CreationDate: '2024-05-14T10:21:33.000Z',
  RootDeviceType: 'ebs',
  RootDeviceName: '/dev/xvda',
  BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }],
  ...overrides,
});

const ec2 = mockClient(EC2Client);
const catalog = createEc2Catalog({ client: new EC2Client({ region: 'eu-west-1' }) });
afterEach(() => ec2.reset());

describe('ec2 catalog: browsing', () => {
  it("finds an AMI by id with Glance's formats for AMIs", async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [ami('ami-0000000b')] });
    expect(await catalog.findImage('ami-0000000b')).toMatchObject({
      id: 'ami-0000000b',
      facts: { name: 'name-of-ami-0000000b', minDisk: 8 },
      diskFormat: 'ami',
      containerFormat: 'ami',
    });
    expect(ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input).toMatchObject({ ImageIds: ['ami-0000000b'] });
  });

  it("lists the account's own AMIs through every page of DescribeImages, by id, leaving out deregistered ones", async () => {
    ec2
      .on(DescribeImagesCommand)
      .resolvesOnce({ Images: [ami('ami-0000000c'), ami('ami-0000000a')], NextToken: 'page-2' })
      .resolvesOnce({ Images: [ami('ami-0000000b'), ami('ami-0000000d', { State: 'deregistered' })] });
    expect(ids(await catalog.listImages({}))).toEqual(['ami-0000000a', 'ami-0000000b', 'ami-0000000c']);
    const inputs = ec2.commandCalls(DescribeImagesCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { Owners: ['self'], IncludeDisabled: true, IncludeDeprecated: true, MaxResults: 1000, NextToken: undefined },
      { Owners: ['self'], IncludeDisabled: true, IncludeDeprecated: true, MaxResults: 1000, NextToken: 'page-2' },
    ]);
  });

  it("looks a name up with DescribeImages' name filter", async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [ami('ami-0000000a', { Name: 'spark-3.5' })] });
    expect(await catalog.listImages({ name: 'spark-3.5' })).toMatchObject([{ id: 'ami-0000000a', facts: { name: 'spark-3.5' }, diskFormat: 'ami' }]);
    expect(ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input).toMatchObject({ Owners: ['self'], Filters: [{ Name: 'name', Values: ['spark-3.5'] }] });
  });

  it('reports throttling as the catalog being unavailable, and lets our own fault through', async () => {
    const error = (name: string, httpStatusCode: number) =>
      new EC2ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', message: name, $metadata: { httpStatusCode, attempts: 3 } });
    ec2.on(DescribeImagesCommand).rejects(error('RequestLimitExceeded', 503));
    await expect(catalog.listImages({})).rejects.toBeInstanceOf(DependencyUnavailableError);
    ec2.reset();
    ec2.on(DescribeImagesCommand).rejects(error('UnauthorizedOperation', 403));
    await expect(catalog.listImages({ name: 'x' })).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
  });

  it('is browsable through REGISTRY_CATALOG=ec2 too, asking EC2 nothing for an id that is no AMI id', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [ami('ami-0000000a')] });
    const fromEnv = catalogFromEnv({ REGISTRY_CATALOG: 'ec2', AWS_REGION: 'eu-west-1' });
    expect(await fromEnv.findImage('spark-3.5')).toBeUndefined();
    expect(ec2.calls()).toHaveLength(0);
    expect(await fromEnv.findImage('ami-0000000a')).toMatchObject({ id: 'ami-0000000a' });
    expect(ids(await fromEnv.listImages({ name: 'name-of-ami-0000000a' }))).toEqual(['ami-0000000a']);
  });
});

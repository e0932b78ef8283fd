import { DescribeImagesCommand, EC2Client, EC2ServiceException, type Image } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAmiOwners } from '../../lib/catalog/ami-owners.ts';
import { catalogFromEnv } from '../../lib/catalog/catalog-from-env.ts';
import { createEc2Catalog, ec2SettingsFromEnv } from '../../lib/catalog/ec2-catalog.ts';
import { DependencyUnavailableError, ImageNotFoundError } from '../../lib/registry/errors.ts';

const AMI = 'ami-0a1b2c3d4e5f67890';
const GIB = 1024 ** 3;

/** One image as DescribeImages returns it for a private Ubuntu AMI with a data volume. */
const sparkImage = (overrides: Partial<Image> = {}): Image => ({
  Architecture: 'x86_64',
  CreationDate: '2024-05-14T10:21:33.000Z',
  ImageId: AMI,
  ImageLocation: '123456789012/spark-3.5-ubuntu-22.04-20240514',
  ImageType: 'machine',
  Public: false,
  OwnerId: '123456789012',
  PlatformDetails: 'Linux/UNIX',
  UsageOperation: 'RunInstances',
  State: 'available',
  BlockDeviceMappings: [
    {
      DeviceName: '/dev/sda1',
      Ebs: {
        DeleteOnTermination: true,
        SnapshotId: 'snap-0123456789abcdef0',
        VolumeSize: 20,
        VolumeType: 'gp3',
        Encrypted: false,
        Iops: 3000,
        Throughput: 125,
      },
    },
    {
      DeviceName: '/dev/sdb',
      Ebs: { DeleteOnTermination: true, SnapshotId: 'snap-0fedcba9876543210', VolumeSize: 100, VolumeType: 'gp3', Encrypted: false },
    },
    { DeviceName: '/dev/sdc', VirtualName: 'ephemeral0' },
  ],
  Description: 'Spark 3.5 on Ubuntu 22.04',
  EnaSupport: true,
  Hypervisor: 'xen',
  Name: 'spark-3.5-ubuntu-22.04-20240514',
  RootDeviceName: '/dev/sda1',
  RootDeviceType: 'ebs',
  SriovNetSupport: 'simple',
  VirtualizationType: 'hvm',
  BootMode: 'uefi-preferred',
  ImdsSupport: 'v2.0',
  ...overrides,
});

/** An error as the SDK raises it for an EC2 error response. */
const ec2Error = (code: string, httpStatusCode: number) =>
  new EC2ServiceException({ name: code, $fault: httpStatusCode >= 500 ? 'server' : 'client', message: code, $metadata: { httpStatusCode, attempts: 3 } });

const ec2 = mockClient(EC2Client);
const catalog = createEc2Catalog({ client: new EC2Client({ region: 'eu-west-1' }) });

afterEach(() => ec2.reset());

describe('ec2 catalog: AMI ids', () => {
  it.each(['ami-0a1b2c3d', 'ami-0a1b2c3d4e5f67890'])('accepts %s (8 or 17 hex digits)', (id) => {
    expect(catalog.isWellFormedId(id)).toBe(true);
  });

  it.each(['ami-0a1b2c3', 'ami-0a1b2c3d4e', 'ami-0A1B2C3D', 'ami-0a1b2c3g', 'snap-0a1b2c3d', 'spark-3.5', 'ami-0a1b2c3d\n', ''])(
    'refuses %j without asking EC2',
    async (id) => {
      expect(catalog.isWellFormedId(id)).toBe(false);
      expect(await catalog.describeImage(id)).toBeUndefined();
      expect(ec2.calls()).toHaveLength(0);
    },
  );
});

describe('ec2 catalog: facts of an AMI', () => {
  it('asks DescribeImages for exactly that id, disabled and deprecated images included', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sparkImage()] });
    await catalog.describeImage(AMI);
    expect(ec2.commandCalls(DescribeImagesCommand).map((call) => call.args[0].input)).toEqual([
      { ImageIds: [AMI], Owners: ['self'], IncludeDisabled: true, IncludeDeprecated: true },
    ]);
  });

  it('maps name, root volume, total EBS size and creation date', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sparkImage()] });
    expect(await catalog.describeImage(AMI)).toEqual({
      name: 'spark-3.5-ubuntu-22.04-20240514',
      status: 'ACTIVE',
      progress: 100,
      minDisk: 20,
      minRam: 0,
      size: 120 * GIB,
      created: '2024-05-14T10:21:33Z',
      owner: '123456789012',
    });
  });

  it.each([
    ['available', 'ACTIVE', 100],
    ['pending', 'SAVING', 0],
    ['failed', 'ERROR', 0],
    ['invalid', 'ERROR', 0],
    ['error', 'ERROR', 0],
    ['disabled', 'DEACTIVATED', 0],
    ['transient', 'UNKNOWN', 0],
  ] as const)('shows state %s as %s with progress %d', async (State, status, progress) => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sparkImage({ State })] });
    expect(await catalog.describeImage(AMI)).toMatchObject({ status, progress });
  });

  it('does not know a deregistered AMI that EC2 still describes', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sparkImage({ State: 'deregistered' })] });
    expect(await catalog.describeImage(AMI)).toBeUndefined();
  });

  it('has minDisk 0 for an instance-store AMI, whose root is no EBS volume', async () => {
    const image = sparkImage({
      RootDeviceType: 'instance-store',
      RootDeviceName: '/dev/sda1',
      BlockDeviceMappings: [{ DeviceName: '/dev/sdb', VirtualName: 'ephemeral0' }],
    });
    ec2.on(DescribeImagesCommand).resolves({ Images: [image] });
    expect(await catalog.describeImage(AMI)).toMatchObject({ minDisk: 0, size: 0 });
  });

  it('falls back to the id for a nameless image and to the record time for an unreadable date', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sparkImage({ Name: undefined, CreationDate: 'yesterday' })] });
    const facts = await catalog.describeImage(AMI);
    expect(facts).toMatchObject({ name: AMI });
    expect(facts?.created).toBeUndefined();
  });

  it('does not know an image EC2 answers with an empty list', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [] });
    expect(await catalog.describeImage(AMI)).toBeUndefined();
  });
});

describe('ec2 catalog: EC2 errors', () => {
  it.each(['InvalidAMIID.NotFound', 'InvalidAMIID.Malformed', 'InvalidAMIID.Unavailable'])('does not know the image on %s', async (code) => {
    ec2.on(DescribeImagesCommand).rejects(ec2Error(code, 400));
    expect(await catalog.describeImage(AMI)).toBeUndefined();
  });

  it.each([
    ['RequestLimitExceeded', 503],
    ['InternalError', 500],
    ['Unavailable', 503],
    ['SomethingNew', 502],
  ])('reports %s (HTTP %d) as the catalog being unavailable', async (code, status) => {
    ec2.on(DescribeImagesCommand).rejects(ec2Error(code, status));
    const failure = catalog.describeImage(AMI);
    await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(failure).rejects.toThrow('The image catalog is unavailable');
  });

  it('lets a refusal that is our own fault (missing permission) through as it is', async () => {
    ec2.on(DescribeImagesCommand).rejects(ec2Error('UnauthorizedOperation', 403));
    await expect(catalog.describeImage(AMI)).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
  });
});

describe('catalogFromEnv', () => {
  it('chooses the ec2 catalog for REGISTRY_CATALOG=ec2, loading it only on a lookup', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sparkImage()] });
    const fromEnv = catalogFromEnv({ REGISTRY_CATALOG: 'ec2', AWS_REGION: 'eu-west-1' });
    expect(fromEnv.isWellFormedId(AMI)).toBe(true);
    expect(fromEnv.isWellFormedId('spark-3.5')).toBe(false);
    expect(await fromEnv.describeImage('spark-3.5')).toBeUndefined();
    expect(ec2.calls()).toHaveLength(0);
    expect(await fromEnv.describeImage(AMI)).toMatchObject({ name: 'spark-3.5-ubuntu-22.04-20240514', status: 'ACTIVE' });
    expect(ec2.calls()).toHaveLength(1);
  });
});

describe('catalogFromEnv: a failed load of the ec2 catalog', () => {
  it('fails that lookup, and is tried again on the next one instead of failing for the container life', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sparkImage()] });
    const fromEnv = catalogFromEnv({ REGISTRY_CATALOG: 'ec2', AWS_REGION: 'eu-west-1' });
    // As a function bundled without the EC2 SDK would fail its import.
    process.env.REGISTRY_WITHOUT_EC2 = 'true';
    try {
      await expect(fromEnv.describeImage(AMI)).rejects.toThrow(/bundled without the ec2 catalog/);
      await expect(fromEnv.describeImage(AMI)).rejects.toThrow(/bundled without the ec2 catalog/);
    } finally {
      delete process.env.REGISTRY_WITHOUT_EC2;
    }
    expect(await fromEnv.describeImage(AMI)).toMatchObject({ status: 'ACTIVE' });
  });
});

describe('ec2 catalog: whose AMIs it accepts (amiOwners)', () => {
  /** EC2 as it answers DescribeImages: Owners filters, and an AMI of another owner is simply not described. */
  const ec2Describes = (image: Image) =>
    ec2.on(DescribeImagesCommand).callsFake(({ Owners }: { Owners?: string[] }) => {
      const owners = Owners ?? [];
      const visible = owners.length === 0 || owners.includes(image.OwnerId!) || (owners.includes('self') && image.OwnerId === '123456789012');
      return { Images: visible ? [image] : [] };
    });

  it("accepts the account's own AMIs by default, asking with Owners: ['self'], and records the owner", async () => {
    ec2Describes(sparkImage());
    expect(await catalog.describeImage(AMI)).toMatchObject({ owner: '123456789012', status: 'ACTIVE' });
    expect(ec2.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });

  it('does not know a public AMI of another owner (a look-alike community image): 404, saying the owner is not allowed', async () => {
    ec2Describes(sparkImage({ OwnerId: '999988887777', Public: true, Name: 'spark-3.5-ubuntu-22.04-20240514' }));
    const failure = catalog.describeImage(AMI);
    await expect(failure).rejects.toBeInstanceOf(ImageNotFoundError);
    await expect(failure).rejects.toThrow(`Image '${AMI}' not found: its owner (999988887777) is not among the AMI owners this registry accepts`);
    expect(ec2.commandCalls(DescribeImagesCommand).map((call) => call.args[0].input.Owners)).toEqual([['self'], undefined]);
  });

  it('accepts the AMIs of the owners it is given', async () => {
    ec2Describes(sparkImage({ OwnerId: '099720109477', Public: true }));
    const canonical = createEc2Catalog({ client: new EC2Client({ region: 'eu-west-1' }), owners: ['self', '099720109477'] });
    expect(await canonical.describeImage(AMI)).toMatchObject({ owner: '099720109477' });
    expect(ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input.Owners).toEqual(['self', '099720109477']);
  });

  it('lists (for the image service) the AMIs of the owners it is given, never every public AMI of the region', async () => {
    ec2.on(DescribeImagesCommand).resolves({ Images: [sparkImage({ OwnerId: '099720109477' })] });
    const canonical = createEc2Catalog({ client: new EC2Client({ region: 'eu-west-1' }), owners: ['self', '099720109477'] });
    expect((await canonical.listImages({})).map((listed) => listed.id)).toEqual([AMI]);
    expect(ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input.Owners).toEqual(['self', '099720109477']);
  });

  it('asks once only for an AMI EC2 does not know at all', async () => {
    ec2.on(DescribeImagesCommand).rejects(ec2Error('InvalidAMIID.NotFound', 400));
    expect(await catalog.describeImage(AMI)).toBeUndefined();
    expect(ec2.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });

  it('reads AMI_OWNERS, the account itself when unset', () => {
    expect(ec2SettingsFromEnv({}).owners).toEqual(['self']);
    expect(ec2SettingsFromEnv({ AMI_OWNERS: 'self, 099720109477,amazon,self' }).owners).toEqual(['self', '099720109477', 'amazon']);
  });

  it.each(['everyone', '12345', 'self,,amazon', 'ami-0a1b2c3d', '0997201094770'])('refuses %j as an owner list', (owners) => {
    expect(() => parseAmiOwners(owners)).toThrow(/is not an AMI owner; give 12-digit account ids or self, amazon, aws-marketplace, aws-backup-vault/);
  });
});

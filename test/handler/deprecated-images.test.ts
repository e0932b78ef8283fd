import { DescribeImagesCommand, EC2Client, type Image } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { v1Client, v2Client } from '../support/api.ts';
import { newAmiId, newTenant } from '../support/fixtures.ts';

// The functions of a deployment on the ec2 catalog; they read this when first loaded.
process.env.REGISTRY_CATALOG = 'ec2';
process.env.AWS_REGION = 'eu-west-1';

const ec2 = mockClient(EC2Client);
afterEach(() => ec2.reset());

/** An AMI as DescribeImages answers it; DeprecationTime as EC2 writes it, with milliseconds. */
const ami = (imageId: string, DeprecationTime?: string): Image => ({
  ImageId: imageId,
  Name: `spark-3.5-ubuntu-22.04-${imageId.slice(-6)}`,
  State: 'available',
  CreationDate: '2026-01-05T09:58:12.000Z',
  RootDeviceName: '/dev/xvda',
  RootDeviceType: 'ebs',
  BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 16 } }],
  ...(DeprecationTime ? { DeprecationTime } : {}),
});

const ec2Describes = (images: Image[]) =>
  ec2
    .on(DescribeImagesCommand)
    .callsFake(({ ImageIds = [] }: { ImageIds?: string[] }) => ({ Images: images.filter((image) => ImageIds.includes(image.ImageId!)) }));

const idsOf = (answer: { json: any }) => answer.json.images.map((image: { id: string }) => image.id);

describe('deprecation from the ec2 catalog', () => {
  it("shows an AMI's DeprecationTime in the image's metadata, to the second, and nothing for an AMI without one", async () => {
    const [deprecated, current] = [newAmiId(), newAmiId()];
    ec2Describes([ami(deprecated, '2026-02-01T00:00:00.000Z'), ami(current)]);
    const api = v2Client(newTenant());
    const registered = await api.register(deprecated, { username: 'ubuntu' });
    expect(registered.json.image.metadata).toEqual({ _sahara_username: 'ubuntu', deprecation_time: '2026-02-01T00:00:00Z' });
    expect((await api.show(deprecated)).json.image.metadata.deprecation_time).toBe('2026-02-01T00:00:00Z');
    expect((await api.register(current, { username: 'ubuntu' })).json.image.metadata).toEqual({ _sahara_username: 'ubuntu' });
    // EC2 asked with IncludeDeprecated: a deprecated AMI is still the account's image.
    expect(ec2.commandCalls(DescribeImagesCommand)[0]!.args[0].input).toMatchObject({ IncludeDeprecated: true });
  });

  it('include_deprecated=false leaves out the AMIs whose deprecation time has passed, on both versions; the default keeps them', async () => {
    const [past, future, never] = [newAmiId(), newAmiId(), newAmiId()];
    ec2Describes([ami(past, '2026-02-01T00:00:00.000Z'), ami(future, '2999-01-01T00:00:00.000Z'), ami(never)]);
    const tenant = newTenant();
    for (const id of [past, future, never]) {
      await v1Client(tenant).register(id, { username: 'ubuntu' });
      await v1Client(tenant).tag(id, ['spark']);
    }
    const all = [past, future, never].sort();
    for (const api of [v1Client(tenant), v2Client(tenant)]) {
      expect(idsOf(await api.list())).toEqual(all);
      expect(idsOf(await api.list('include_deprecated=true'))).toEqual(all);
      expect(idsOf(await api.list('include_deprecated=false'))).toEqual(all.filter((id) => id !== past));
      expect(idsOf(await api.list('tags=spark&include_deprecated=False&sort_by=-id&limit=5'))).toEqual(all.filter((id) => id !== past).reverse());
    }
  });
});

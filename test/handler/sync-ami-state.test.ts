import { DescribeImagesCommand, EC2Client, EC2ServiceException, type Image } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../infra/local/lambda-event.ts';
import { amiStateChange } from '../support/ami-state-change-event.ts';
import { v1Client } from '../support/api.ts';
import { newAmiId, newTenant } from '../support/fixtures.ts';
import { expectIndexMatchesRecords, tenantItems } from '../support/table-inspection.ts';

// The functions of a deployment on the ec2 catalog; they read this when first loaded.
process.env.REGISTRY_CATALOG = 'ec2';
process.env.AWS_REGION = 'eu-west-1';

const { handler } = await import('../../functions/sync-ami-state.ts');
/** EventBridge's asynchronous invocation of the function, with its Lambda context. */
const syncAmiState = (event: unknown) => handler(event, lambdaContext('sync-ami-state'));

const ec2 = mockClient(EC2Client);
afterEach(() => ec2.reset());

/** The AMIs EC2 describes to the account, by id; absent ones are InvalidAMIID.NotFound. */
const amis = new Map<string, Image>();
const ec2Knows = (imageId: string, State: Image['State']) =>
  amis.set(imageId, {
    ImageId: imageId,
    Name: `spark-3.5-ubuntu-22.04-${imageId.slice(-6)}`,
    State,
    CreationDate: '2026-11-27T09:58:12.000Z',
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 16, VolumeType: 'gp3', SnapshotId: 'snap-0123456789abcdef0' } }],
    ImageType: 'machine',
    OwnerId: '123456789012',
    VirtualizationType: 'hvm',
  });
const describeFromMap = () =>
  ec2.on(DescribeImagesCommand).callsFake(({ ImageIds: [imageId] = [] }: { ImageIds?: string[] }) => {
    const image = amis.get(imageId!);
    if (!image) {
      throw new EC2ServiceException({
        name: 'InvalidAMIID.NotFound',
        $fault: 'client',
        message: `The image id '[${imageId}]' does not exist`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    return { Images: [image] };
  });

describe('sync-ami-state (EventBridge "EC2 AMI State Change")', () => {
  it('shows a pending AMI as SAVING, then ACTIVE in every tenant once EC2 reports it available', async () => {
    describeFromMap();
    const image = newAmiId();
    ec2Knows(image, 'pending');
    const [alice, bob] = [v1Client(newTenant()), v1Client(newTenant())];
    expect((await alice.register(image, { username: 'ubuntu' })).json.image).toMatchObject({ status: 'SAVING', progress: 0, minDisk: 16 });
    expect((await bob.tag(image, ['spark'])).status).toBe(202);

    ec2Knows(image, 'available');
    await syncAmiState(amiStateChange(image, 'available', '2026-11-27T10:04:40Z'));

    expect((await alice.show(image)).json.image).toMatchObject({ id: image, status: 'ACTIVE', progress: 100, username: 'ubuntu' });
    await bob.register(image, { username: 'ec2-user' });
    expect((await bob.list('tags=spark')).json.images).toMatchObject([{ id: image, status: 'ACTIVE', tags: ['spark'] }]);
  });

  it('shows a failed AMI as ERROR and a disabled one as DEACTIVATED', async () => {
    describeFromMap();
    const [failed, disabled] = [newAmiId(), newAmiId()];
    ec2Knows(failed, 'pending');
    ec2Knows(disabled, 'available');
    const api = v1Client(newTenant());
    await api.register(failed, { username: 'u' });
    await api.register(disabled, { username: 'u' });
    await syncAmiState(amiStateChange(failed, 'failed', '2026-11-27T10:04:40Z', 'Snapshot snap-0123456789abcdef0 is in an error state'));
    await syncAmiState(amiStateChange(disabled, 'disabled', '2026-11-27T10:04:41Z'));
    expect((await api.show(failed)).json.image).toMatchObject({ status: 'ERROR', progress: 0 });
    expect((await api.show(disabled)).json.image).toMatchObject({ status: 'DEACTIVATED', progress: 0 });
  });

  it('removes a deregistered AMI from every tenant with its tags: gone from lists, show 404', async () => {
    describeFromMap();
    const [image, other] = [newAmiId(), newAmiId()];
    ec2Knows(image, 'available');
    ec2Knows(other, 'available');
    const tenants = [newTenant(), newTenant()];
    for (const tenant of tenants) {
      const api = v1Client(tenant);
      await api.register(image, { username: 'ubuntu' });
      await api.tag(image, ['spark', '3.5']);
      await api.register(other, { username: 'ubuntu' });
      await api.tag(other, ['spark']);
    }
    const unregisteredButTagged = newTenant();
    await v1Client(unregisteredButTagged).tag(image, ['kept-before-registration']);

    amis.delete(image);
    await syncAmiState(amiStateChange(image, 'deregistered', '2026-11-27T11:00:00Z'));

    for (const tenant of tenants) {
      const api = v1Client(tenant);
      expect((await api.list('tags=spark')).json.images.map((listed: { id: string }) => listed.id)).toEqual([other]);
      expect((await api.list()).json.images.map((listed: { id: string }) => listed.id)).toEqual([other]);
      const show = await api.show(image);
      expect(show.status).toBe(404);
      expect(show.json.error_name).toBe('NOT_FOUND');
      expect((await tenantItems(tenant)).map((item) => item.SK).sort()).toEqual([`IMAGE#${other}`, 'TAG#spark']);
      await expectIndexMatchesRecords(tenant);
    }
    expect(await tenantItems(unregisteredButTagged)).toEqual([]);
  });

  it('is idempotent: a repeated event changes nothing more, and an event for an AMI no tenant holds is harmless', async () => {
    describeFromMap();
    const image = newAmiId();
    ec2Knows(image, 'available');
    const api = v1Client(newTenant());
    await api.register(image, { username: 'u' });
    const event = amiStateChange(image, 'deregistered', '2026-11-27T11:00:00Z');
    await syncAmiState(event);
    await syncAmiState(event);
    await syncAmiState(amiStateChange(newAmiId(), 'available', '2026-11-27T11:00:00Z'));
    expect((await api.list()).json.images).toEqual([]);
  });

  it('keeps the newer state when EventBridge delivers an older event late', async () => {
    describeFromMap();
    const image = newAmiId();
    ec2Knows(image, 'available');
    const api = v1Client(newTenant());
    await api.register(image, { username: 'u' });
    await syncAmiState(amiStateChange(image, 'available', '2026-11-27T12:00:05Z'));
    await syncAmiState(amiStateChange(image, 'disabled', '2026-11-27T12:00:00Z'));
    expect((await api.show(image)).json.image.status).toBe('ACTIVE');
  });

  it('ignores events it cannot read rather than failing them over and over', async () => {
    await expect(syncAmiState({ source: 'aws.ec2', 'detail-type': 'EC2 AMI State Change', detail: { ImageId: 'not-an-ami' } })).resolves.toBeUndefined();
    await expect(syncAmiState({ hello: 'world' })).resolves.toBeUndefined();
  });
});

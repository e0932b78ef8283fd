import { DescribeImagesCommand, EC2Client, type Image } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { v1Client, v2Client } from '../support/api.ts';
import { newAmiId, newTenant } from '../support/fixtures.ts';
import { tenantItems } from '../support/table-inspection.ts';

// A deployment on the ec2 catalog with the default amiOwners (the account itself); read when the functions load.
process.env.REGISTRY_CATALOG = 'ec2';
process.env.AWS_REGION = 'eu-west-1';
delete process.env.AMI_OWNERS;

const ACCOUNT = '123456789012';
const ec2 = mockClient(EC2Client);
afterEach(() => ec2.reset());

/** EC2 describing `images` as it does: Owners filters ('self' is ACCOUNT), and an AMI of another owner is not described. */
const ec2Describes = (...images: Image[]) =>
  ec2.on(DescribeImagesCommand).callsFake(({ ImageIds = [], Owners = [] }: { ImageIds?: string[]; Owners?: string[] }) => ({
    Images: images.filter(
      (image) =>
        ImageIds.includes(image.ImageId!) && (Owners.length === 0 || Owners.includes(image.OwnerId!) || (Owners.includes('self') && image.OwnerId === ACCOUNT)),
    ),
  }));

const ami = (ImageId: string, OwnerId: string, Name: string): Image => ({ ImageId, OwnerId, Name, State: 'available', Public: OwnerId !== ACCOUNT });

describe('which AMIs may be registered (amiOwners, default: the account itself)', () => {
  it("registers the account's own AMI, and shows its owner in the image's metadata", async () => {
    const own = newAmiId();
    ec2Describes(ami(own, ACCOUNT, 'spark-3.5-ubuntu-22.04'));
    const api = v2Client(newTenant());
    const registered = await api.register(own, { username: 'ubuntu' });
    expect(registered.status).toBe(202);
    expect(registered.json.image.metadata).toEqual({ _sahara_username: 'ubuntu', owner: ACCOUNT });
    expect((await api.list()).json.images[0].metadata.owner).toBe(ACCOUNT);
  });

  it('answers 404, saying the owner is not allowed, for a public AMI of another owner with a look-alike name, and writes nothing', async () => {
    const lookAlike = newAmiId();
    ec2Describes(ami(lookAlike, '999988887777', 'spark-3.5-ubuntu-22.04'));
    const tenant = newTenant();
    const api = v1Client(tenant);
    for (const answer of [await api.register(lookAlike, { username: 'ubuntu' }), await api.tag(lookAlike, ['spark']), await api.show(lookAlike)]) {
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({
        error_name: 'NOT_FOUND',
        error_message: expect.stringMatching(
          new RegExp(`^Image '${lookAlike}' not found: its owner \\(999988887777\\) is not among the AMI owners this registry accepts\\n`),
        ),
      });
    }
    expect(await tenantItems(tenant)).toEqual([]);
  });
});

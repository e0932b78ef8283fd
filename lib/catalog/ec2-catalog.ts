import type { EC2Client, Image } from '@aws-sdk/client-ec2';
import { isServiceFailure } from '../aws-service-failure.ts';
import { DependencyUnavailableError } from '../registry/errors.ts';
import { type ImageFacts, isoSeconds } from '../registry/image.ts';
import { isAmiId, progressOfAmiState, statusOfAmiState } from './ami.ts';
import type { BrowsableImageCatalog, CatalogFilter, CatalogImage } from './image-catalog.ts';
import { byId } from './image-catalog.ts';

const GIB = 1024 ** 3;

/** EC2's answers for an id it will not describe to this account: the registry's 404. */
const UNKNOWN_IMAGE = new Set(['InvalidAMIID.NotFound', 'InvalidAMIID.Malformed', 'InvalidAMIID.Unavailable']);

/** EC2's throttling (its own code and the generic ones) and its failures; the SDK has retried them already. */
const TRANSIENT = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'ServiceUnavailable', 'InternalError', 'Unavailable', 'TimeoutError']);

export interface Ec2Settings {
  readonly region?: string | undefined;
  /** For tests and EC2-compatible endpoints; unset in AWS. */
  readonly endpoint?: string | undefined;
  readonly maxAttempts?: number | undefined;
}

export const ec2SettingsFromEnv = (env: NodeJS.ProcessEnv = process.env): Ec2Settings => ({
  region: env.AWS_REGION || undefined,
  endpoint: env.EC2_ENDPOINT || undefined,
  maxAttempts: env.EC2_MAX_ATTEMPTS ? Number(env.EC2_MAX_ATTEMPTS) : undefined,
});

/**
 * The EC2 SDK, imported on first use. The functions' bundles leave it out (infra/function-bundling.ts):
 * on Lambda it comes from the runtime's own SDK, so a cold start that never describes an AMI (a
 * show of a registered image, every list) does not load its ~0.9 MB.
 */
const ec2Sdk = () => import('@aws-sdk/client-ec2');

export const createEc2Client = async ({ region, endpoint, maxAttempts = 3 }: Ec2Settings = {}) =>
  new (await ec2Sdk()).EC2Client({
    region,
    endpoint,
    maxAttempts,
    // Three bounded attempts stay inside the function's 10 s and API Gateway's 30 s.
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_500 },
  });

const rootVolumeGib = (image: Image): number => {
  if (image.RootDeviceType !== 'ebs') return 0;
  const root = image.BlockDeviceMappings?.find((mapping) => mapping.DeviceName === image.RootDeviceName);
  return root?.Ebs?.VolumeSize ?? 0;
};

/** An EC2 time (CreationDate, DeprecationTime: ISO 8601 with milliseconds) to the second; undefined when absent or unreadable. */
const timeOf = (time: string | undefined): string | undefined => {
  if (!time) return undefined;
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : isoSeconds(date);
};

/** An AMI in upstream's terms (docs/deploy.md, "The image catalog"). */
export const factsOfImage = (image: Image): ImageFacts => ({
  name: image.Name ?? image.ImageId ?? '',
  status: statusOfAmiState(image.State),
  progress: progressOfAmiState(image.State),
  minDisk: rootVolumeGib(image),
  minRam: 0,
  size: (image.BlockDeviceMappings ?? []).reduce((total, mapping) => total + (mapping.Ebs?.VolumeSize ?? 0), 0) * GIB,
  created: timeOf(image.CreationDate),
  // Set by the owner (EnableImageDeprecation), past or future; a list with include_deprecated=false leaves the AMI out once it has come.
  deprecationTime: timeOf(image.DeprecationTime),
});

/**
 * The AMIs this account may launch, read through DescribeImages. A deregistered AMI is gone, as a
 * deleted Glance image is: EC2 may still describe it for a while, the registry does not know it.
 */
export const createEc2Catalog = ({ client }: { client: EC2Client }): BrowsableImageCatalog => ({
  isWellFormedId: isAmiId,
  async describeImage(imageId) {
    if (!isAmiId(imageId)) return undefined;
    let images: Image[];
    try {
      const { DescribeImagesCommand } = await ec2Sdk();
      // Disabled and deprecated AMIs are still the account's images; upstream shows them too.
      const output = await client.send(new DescribeImagesCommand({ ImageIds: [imageId], IncludeDisabled: true, IncludeDeprecated: true }));
      images = output.Images ?? [];
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      if (UNKNOWN_IMAGE.has(error.name)) return undefined;
      if (isServiceFailure(error, TRANSIENT)) throw new DependencyUnavailableError('image catalog', { cause: error });
      throw error;
    }
    const image = images.find((candidate) => candidate.ImageId === imageId);
    if (!image || image.State === 'deregistered') return undefined;
    return factsOfImage(image);
  },
  async findImage(imageId) {
    const facts = await this.describeImage(imageId);
    return facts && { id: imageId, facts, ...AMI_FORMATS };
  },
  listImages: (filter) => listAmis(client, filter),
});

/** Glance stores an AMI with disk and container format `ami`. */
const AMI_FORMATS = { diskFormat: 'ami', containerFormat: 'ami' } as const;

/**
 * Listing reads the account's own AMIs: without an owner, DescribeImages would list every public
 * AMI of the region. A lookup by id (describeImage) is not limited this way.
 */
const LISTED_OWNERS = ['self'];

/** The account's AMIs, by name when the filter has one, every page of DescribeImages, ordered by id. */
const listAmis = async (client: EC2Client, { name }: CatalogFilter): Promise<CatalogImage[]> => {
  const found: CatalogImage[] = [];
  let nextToken: string | undefined;
  try {
    const { DescribeImagesCommand } = await ec2Sdk();
    do {
      const output = await client.send(
        new DescribeImagesCommand({
          Owners: LISTED_OWNERS,
          ...(name === undefined ? {} : { Filters: [{ Name: 'name', Values: [name] }] }),
          IncludeDisabled: true,
          IncludeDeprecated: true,
          MaxResults: 1000,
          NextToken: nextToken,
        }),
      );
      for (const image of output.Images ?? []) {
        if (image.ImageId && image.State !== 'deregistered') found.push({ id: image.ImageId, facts: factsOfImage(image), ...AMI_FORMATS });
      }
      nextToken = output.NextToken || undefined;
    } while (nextToken);
  } catch (error) {
    if (error instanceof Error && isServiceFailure(error, TRANSIENT)) throw new DependencyUnavailableError('image catalog', { cause: error });
    throw error;
  }
  return found.sort(byId);
};

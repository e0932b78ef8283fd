import type { DescribeImagesCommandOutput, EC2Client, Image } from '@aws-sdk/client-ec2';
import { isServiceFailure } from '../aws-service-failure.ts';
import { boundByDeadline } from '../deadline.ts';
import { log } from '../log.ts';
import { DependencyUnavailableError, ImageNotFoundError } from '../registry/errors.ts';
import { type ImageFacts, isoSeconds } from '../registry/image.ts';
import { CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS, SDK_MAX_ATTEMPTS } from '../time-budget.ts';
import { isAmiId, progressOfAmiState, statusOfAmiState } from './ami.ts';
import { DEFAULT_AMI_OWNERS, parseAmiOwners } from './ami-owners.ts';
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
  /** Whose AMIs the catalog accepts (DescribeImages' Owners); the account itself when unset. */
  readonly owners?: readonly string[] | undefined;
}

export const ec2SettingsFromEnv = (env: NodeJS.ProcessEnv = process.env): Ec2Settings => ({
  region: env.AWS_REGION || undefined,
  endpoint: env.EC2_ENDPOINT || undefined,
  maxAttempts: env.EC2_MAX_ATTEMPTS ? Number(env.EC2_MAX_ATTEMPTS) : undefined,
  owners: parseAmiOwners(env.AMI_OWNERS),
});

/**
 * The EC2 SDK, imported on first use. The functions' bundles leave it out (infra/function-bundling.ts):
 * on Lambda it comes from the runtime's own SDK, so a cold start that never describes an AMI (a
 * show of a registered image, every list) does not load its ~0.9 MB.
 */
const ec2Sdk = () => import('@aws-sdk/client-ec2');

export const createEc2Client = async ({ region, endpoint, maxAttempts = SDK_MAX_ATTEMPTS }: Ec2Settings = {}) =>
  boundByDeadline(
    new (await ec2Sdk()).EC2Client({
      region,
      endpoint,
      maxAttempts,
      // Three bounded attempts stay inside the function's time (lib/time-budget.ts). throwOnRequestTimeout:
      // without it the SDK only logs a warning and keeps waiting for an answer that may never come.
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    }),
  );

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
  owner: image.OwnerId,
});

/** EC2's own failures are the catalog being unavailable (503); anything else is ours to fix (500). */
const sortedFailure = (error: unknown) =>
  error instanceof Error && isServiceFailure(error, TRANSIENT) ? new DependencyUnavailableError('image catalog', { cause: error }) : error;

/** AMI ids per DescribeImages of the sweep: the values of one `image-id` filter. */
const SWEEP_BATCH = 100;

/**
 * The AMIs among `imageIds` that EC2 describes, by these owners or (undefined) by any, every page.
 * A filter, not ImageIds: an id EC2 does not know is left out of the answer, not an error for all.
 */
const describeMany = async (client: EC2Client, imageIds: readonly string[], owners: readonly string[] | undefined): Promise<Image[]> => {
  const { DescribeImagesCommand } = await ec2Sdk();
  const images: Image[] = [];
  let NextToken: string | undefined;
  do {
    const input = {
      Filters: [{ Name: 'image-id', Values: [...imageIds] }],
      ...(owners ? { Owners: [...owners] } : {}),
      IncludeDisabled: true,
      IncludeDeprecated: true,
      MaxResults: 1000,
      NextToken,
    };
    let output: DescribeImagesCommandOutput;
    try {
      output = await client.send(new DescribeImagesCommand(input));
    } catch (error) {
      throw sortedFailure(error);
    }
    images.push(...(output.Images ?? []));
    NextToken = output.NextToken;
  } while (NextToken);
  return images;
};

/**
 * For the daily sweep: the facts of each AMI among `imageIds` that still exists and that the
 * account may launch, in batches of SWEEP_BATCH. AMIs of owners `owners` does not allow (made
 * before amiOwners was narrowed) are asked about a second time, without Owners: their records
 * stay fresh, and a warning names them.
 */
const refreshAmis = async (client: EC2Client, imageIds: readonly string[], owners: readonly string[]): Promise<Map<string, ImageFacts>> => {
  const facts = new Map<string, ImageFacts>();
  const amis = imageIds.filter(isAmiId);
  for (let start = 0; start < amis.length; start += SWEEP_BATCH) {
    const batch = amis.slice(start, start + SWEEP_BATCH);
    const allowed = await describeMany(client, batch, owners);
    const missing = batch.filter((imageId) => !allowed.some((image) => image.ImageId === imageId));
    const others = missing.length > 0 ? (await describeMany(client, missing, undefined)).filter((image) => image.State !== 'deregistered') : [];
    for (const image of [...allowed, ...others]) {
      if (image.ImageId && batch.includes(image.ImageId) && image.State !== 'deregistered') facts.set(image.ImageId, factsOfImage(image));
    }
    if (others.length > 0) {
      const amisOfOthers = others.map((image) => ({ imageId: image.ImageId, owner: image.OwnerId }));
      log.warn('registered AMIs whose owner amiOwners does not allow: kept until unregistered, and not registrable again', { amis: amisOfOthers });
    }
  }
  return facts;
};

/**
 * DescribeImages of one AMI, by these owners or (undefined) by any: the AMI, null when EC2 described
 * none (an owner not among `owners`), undefined when EC2 knows no such AMI at all.
 */
const describeOne = async (client: EC2Client, imageId: string, owners: readonly string[] | undefined): Promise<Image | null | undefined> => {
  try {
    const { DescribeImagesCommand } = await ec2Sdk();
    // Disabled and deprecated AMIs are still the account's images; upstream shows them too.
    const input = { ImageIds: [imageId], ...(owners ? { Owners: [...owners] } : {}), IncludeDisabled: true, IncludeDeprecated: true };
    const output = await client.send(new DescribeImagesCommand(input));
    return (output.Images ?? []).find((candidate) => candidate.ImageId === imageId) ?? null;
  } catch (error) {
    if (error instanceof Error && UNKNOWN_IMAGE.has(error.name)) return undefined;
    throw sortedFailure(error);
  }
};

/**
 * The AMIs of the allowed owners (`owners`, DescribeImages' Owners) that this account may launch.
 * A deregistered AMI is gone, as a deleted Glance image is: EC2 may still describe it for a while,
 * the registry does not know it. An AMI of another owner is unknown too; only then is EC2 asked
 * again, without the owners, so that the 404 can say why.
 */
export const createEc2Catalog = ({ client, owners = DEFAULT_AMI_OWNERS }: { client: EC2Client; owners?: readonly string[] }): BrowsableImageCatalog => ({
  isWellFormedId: isAmiId,
  async describeImage(imageId) {
    if (!isAmiId(imageId)) return undefined;
    const image = await describeOne(client, imageId, owners);
    if (image === undefined) return undefined;
    if (image) return image.State === 'deregistered' ? undefined : factsOfImage(image);
    const byAnyOwner = await describeOne(client, imageId, undefined);
    if (!byAnyOwner || byAnyOwner.State === 'deregistered') return undefined;
    throw new ImageNotFoundError(imageId, `its owner (${byAnyOwner.OwnerId ?? 'unknown'}) is not among the AMI owners this registry accepts`);
  },
  refreshImages: (imageIds) => refreshAmis(client, imageIds, owners),
  async findImage(imageId) {
    const facts = await this.describeImage(imageId);
    return facts && { id: imageId, facts, ...AMI_FORMATS };
  },
  listImages: (filter) => listAmis(client, filter, owners),
});

/** Glance stores an AMI with disk and container format `ami`. */
const AMI_FORMATS = { diskFormat: 'ami', containerFormat: 'ami' } as const;

/**
 * The AMIs of the allowed owners (amiOwners; the account's own by default, and never every public
 * AMI of the region), by name when the filter has one, every page of DescribeImages, ordered by id.
 */
const listAmis = async (client: EC2Client, { name }: CatalogFilter, owners: readonly string[]): Promise<CatalogImage[]> => {
  const found: CatalogImage[] = [];
  let nextToken: string | undefined;
  try {
    const { DescribeImagesCommand } = await ec2Sdk();
    do {
      const output = await client.send(
        new DescribeImagesCommand({
          Owners: [...owners],
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

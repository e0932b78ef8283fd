import { isAmiId } from './ami.ts';
import type { BrowsableImageCatalog } from './image-catalog.ts';
import { openCatalog } from './open-catalog.ts';
import { loadStaticCatalog } from './static-catalog.ts';

/**
 * The CDK stack bundles every function that never asks EC2 about an image with this variable
 * defined as "true" at build time: the import below then drops out of the bundle, and with it the
 * EC2 SDK (about 0.9 MB minified, tens of milliseconds of cold start). Run from source, it is unset.
 */
const importEc2Catalog = () =>
  process.env.REGISTRY_WITHOUT_EC2 === 'true'
    ? Promise.reject(new Error('this function was bundled without the ec2 catalog (REGISTRY_WITHOUT_EC2)'))
    : import('./ec2-catalog.ts');

/**
 * The ec2 catalog, loaded on its first lookup: a function evaluates the EC2 SDK and builds its
 * client once per container, and only when it really describes an image. A load that failed is
 * forgotten, so the next lookup tries again instead of failing for the container's life.
 */
const lazyEc2Catalog = (env: NodeJS.ProcessEnv): BrowsableImageCatalog => {
  let catalog: Promise<BrowsableImageCatalog> | undefined;
  const load = async () => {
    const { createEc2Catalog, createEc2Client, ec2SettingsFromEnv } = await importEc2Catalog();
    const settings = ec2SettingsFromEnv(env);
    return createEc2Catalog({ client: await createEc2Client(settings), owners: settings.owners });
  };
  const loaded = () => {
    catalog ??= load().catch((error: unknown) => {
      catalog = undefined;
      throw error;
    });
    return catalog;
  };
  return {
    isWellFormedId: isAmiId,
    async describeImage(imageId) {
      if (!isAmiId(imageId)) return undefined;
      return (await loaded()).describeImage(imageId);
    },
    async refreshImages(imageIds) {
      return (await loaded()).refreshImages!(imageIds);
    },
    async findImage(imageId) {
      if (!isAmiId(imageId)) return undefined;
      return (await loaded()).findImage(imageId);
    },
    async listImages(filter) {
      return (await loaded()).listImages(filter);
    },
  };
};

/**
 * REGISTRY_CATALOG: `open` (the default), `ec2` (the account's AMIs), or the path of a static
 * catalog JSON file.
 */
export const catalogFromEnv = (env: NodeJS.ProcessEnv = process.env): BrowsableImageCatalog => {
  const setting = env.REGISTRY_CATALOG?.trim() || 'open';
  if (setting === 'open') return openCatalog;
  if (setting === 'ec2') return lazyEc2Catalog(env);
  return loadStaticCatalog(setting);
};

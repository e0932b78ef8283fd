import { isAmiId } from './ami.ts';
import type { BrowsableImageCatalog } from './image-catalog.ts';
import { isWellFormedImageId } from './image-catalog.ts';
import { openCatalog } from './open-catalog.ts';

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
 * A catalog loaded on its first lookup: a function evaluates the adapter (the EC2 SDK and its
 * client; the static catalog's schema and file) once per container, and only when it really looks
 * an image up. A load that failed is forgotten, so the next lookup tries again instead of failing
 * for the container's life. `isWellFormedId` needs no load.
 */
const lazyCatalog = (
  isWellFormedId: (imageId: string) => boolean,
  load: () => Promise<BrowsableImageCatalog>,
  { refreshes }: { refreshes: boolean },
): BrowsableImageCatalog => {
  let catalog: Promise<BrowsableImageCatalog> | undefined;
  const loaded = () => {
    catalog ??= load().catch((error: unknown) => {
      catalog = undefined;
      throw error;
    });
    return catalog;
  };
  return {
    isWellFormedId,
    async describeImage(imageId) {
      if (!isWellFormedId(imageId)) return undefined;
      return (await loaded()).describeImage(imageId);
    },
    ...(refreshes ? { refreshImages: async (imageIds: readonly string[]) => (await loaded()).refreshImages!(imageIds) } : {}),
    async findImage(imageId) {
      if (!isWellFormedId(imageId)) return undefined;
      return (await loaded()).findImage(imageId);
    },
    async listImages(filter) {
      return (await loaded()).listImages(filter);
    },
  };
};

const lazyEc2Catalog = (env: NodeJS.ProcessEnv) =>
  lazyCatalog(
    isAmiId,
    async () => {
      const { createEc2Catalog, createEc2Client, ec2SettingsFromEnv } = await importEc2Catalog();
      const settings = ec2SettingsFromEnv(env);
      return createEc2Catalog({ client: await createEc2Client(settings), owners: settings.owners });
    },
    { refreshes: true },
  );

/**
 * A static catalog's file is read and checked on the first lookup, not at every cold start: its
 * schema costs a few milliseconds of load that most functions never need. A bad file still fails
 * early: `cdk synth` and `npm start` load it first (infra/image-registry-stack.ts, infra/local/start.ts).
 */
const lazyStaticCatalog = (path: string) =>
  lazyCatalog(isWellFormedImageId, async () => (await import('./static-catalog.ts')).loadStaticCatalog(path), { refreshes: false });

/**
 * REGISTRY_CATALOG: `open` (the default), `ec2` (the account's AMIs), or the path of a static
 * catalog JSON file.
 */
export const catalogFromEnv = (env: NodeJS.ProcessEnv = process.env): BrowsableImageCatalog => {
  const setting = catalogSetting(env);
  if (setting === 'open') return openCatalog;
  if (setting === 'ec2') return lazyEc2Catalog(env);
  return lazyStaticCatalog(setting);
};

const catalogSetting = (env: NodeJS.ProcessEnv) => env.REGISTRY_CATALOG?.trim() || 'open';

/** The static catalog file REGISTRY_CATALOG names, if it names one: for those who check it before any lookup. */
export const staticCatalogFileFromEnv = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const setting = catalogSetting(env);
  return setting === 'open' || setting === 'ec2' ? undefined : setting;
};

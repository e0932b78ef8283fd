import type { ImageCatalog } from '../catalog/image-catalog.ts';
import { metrics } from '../metrics.ts';
import {
  ConcurrentUpdateError,
  DependencyUnavailableError,
  ImageNotFoundError,
  ImageNotRegisteredError,
  RegistryError,
  StaleRecordError,
  TagLimitExceededError,
} from './errors.ts';
import type { ImageFacts, ImageRecord } from './image.ts';
import { blankRecord, DELETED_STATUS, isoSeconds, isRegistered } from './image.ts';
import type { ImageState, ImageStore, ListPosition, Registration, ScanOptions } from './image-store.ts';
import { diffTags, isValidTag, MAX_TAGS_PER_IMAGE, normalizeTags } from './tag-rules.ts';

export interface ListFilter {
  /** Every tag must be on the image (AND). */
  readonly tags?: readonly string[] | undefined;
  /** Case-sensitive substring of the image name; empty means no filter. */
  readonly name?: string | undefined;
}

export interface PageRequest {
  /** At most this many images. */
  readonly limit: number;
  /** Where the page starts; the start of the list when absent. */
  readonly position?: ListPosition | undefined;
}

export interface ImagePage {
  readonly images: ImageRecord[];
  readonly next?: ListPosition;
  readonly prev?: ListPosition;
}

export interface RegistryDependencies {
  readonly store: ImageStore;
  readonly catalog: ImageCatalog;
  readonly clock?: () => Date;
  /** How often a tag change or unregister re-reads and retries when another writer got there first. */
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How many tenants' records one catalog state change writes at a time. */
const SYNC_CONCURRENCY = 8;

const forEachLimited = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

/**
 * Whatever a catalog adapter throws (a timeout, a throttled or failing service, a network error)
 * is the catalog being unavailable to us, so the caller gets a 503 to retry rather than a 500.
 * Done once here, so no adapter and no call site can forget it.
 */
const guardCatalog = (catalog: ImageCatalog): ImageCatalog => ({
  isWellFormedId: (imageId) => catalog.isWellFormedId(imageId),
  async describeImage(imageId) {
    try {
      return await catalog.describeImage(imageId);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new DependencyUnavailableError('image catalog', { cause: error });
    }
  },
});

/** The registry operations and their rules; knows nothing of HTTP, EventBridge or DynamoDB. */
export const createImageRegistry = ({
  store,
  catalog: unguardedCatalog,
  clock = () => new Date(),
  maxAttempts = 40,
  sleep = defaultSleep,
}: RegistryDependencies) => {
  const catalog = guardCatalog(unguardedCatalog);
  const now = () => isoSeconds(clock());

  const requireWellFormed = (imageId: string) => {
    if (!catalog.isWellFormedId(imageId)) throw new ImageNotFoundError(imageId);
  };

  const requireFacts = async (imageId: string): Promise<ImageFacts> => {
    const facts = await catalog.describeImage(imageId);
    if (!facts) throw new ImageNotFoundError(imageId);
    return facts;
  };

  // Full jitter keeps a crowd of writers on one image from colliding in lockstep.
  const backoff = (attempt: number) => sleep(Math.random() * Math.min(250, 10 * 2 ** attempt));

  /** Optimistic concurrency: read, compute, write guarded by the version; on a conflict, again. */
  const withRetries = async <T>(imageId: string, attemptOnce: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        return await attemptOnce();
      } catch (error) {
        if (!(error instanceof StaleRecordError)) throw error;
        metrics.count('writeConflicts');
        await backoff(attempt);
      }
    }
    metrics.count('writeRetriesExhausted');
    throw new ConcurrentUpdateError(imageId, maxAttempts);
  };

  const changeTags = (tenant: string, imageId: string, nextTags: (current: readonly string[]) => Iterable<string>) => {
    requireWellFormed(imageId);
    return withRetries(imageId, async () => {
      const current = (await store.getImage(tenant, imageId)) ?? blankRecord(imageId, await requireFacts(imageId), now());
      const change = diffTags(current.tags, normalizeTags(nextTags(current.tags)));
      if (change.added.length === 0 && change.removed.length === 0) return current;
      if (change.next.length > MAX_TAGS_PER_IMAGE) throw new TagLimitExceededError(MAX_TAGS_PER_IMAGE, change.next.length);
      return store.writeTags(tenant, current, change, now());
    });
  };

  async function* matchingImages(tenant: string, filter: ListFilter, options: ScanOptions = {}): AsyncIterable<ImageRecord> {
    const tags = normalizeTags(filter.tags ?? []);
    // A tag that could never be set matches nothing; asking the index would only cost reads.
    if (!tags.every(isValidTag)) return;
    const name = filter.name ?? '';
    const candidates = tags.length > 0 ? store.findImagesByTags(tenant, tags, options) : store.listImages(tenant, options);
    for await (const image of candidates) {
      if (isRegistered(image) && tags.every((tag) => image.tags.includes(tag)) && image.facts.name.includes(name)) yield image;
    }
  }

  return {
    /** Registered images only, filtered by tags (AND) and a name substring, ordered by id. */
    async listImages(tenant: string, filter: ListFilter = {}): Promise<ImageRecord[]> {
      const images: ImageRecord[] = [];
      for await (const image of matchingImages(tenant, filter)) images.push(image);
      return images;
    },

    /**
     * One page of listImages from a position in the id order. `next` and `prev` are the positions
     * of the pages after and before it, absent where there is none; following `next` from the first
     * page yields every matching image once, also while images are registered or removed meanwhile.
     */
    async listImagesPage(tenant: string, filter: ListFilter, { limit, position }: PageRequest): Promise<ImagePage> {
      const found: ImageRecord[] = [];
      // One more than the page, to know whether a next page exists.
      for await (const image of matchingImages(tenant, filter, { position, expected: limit + 1 })) {
        if (found.push(image) > limit) break;
      }
      const more = found.length > limit;
      const backward = position !== undefined && 'before' in position;
      const images = backward ? found.slice(0, limit).reverse() : found.slice(0, limit);
      const [first, last] = [images[0], images.at(-1)];
      // An empty page (a position past either end) has nothing to page from: start again.
      if (!first || !last) return { images };
      return backward
        ? { images, next: { after: last.id }, ...(more ? { prev: { before: first.id } } : {}) }
        : { images, ...(more ? { next: { after: last.id } } : {}), ...(position ? { prev: { before: first.id } } : {}) };
    },

    async showImage(tenant: string, imageId: string): Promise<ImageRecord> {
      requireWellFormed(imageId);
      const image = await store.getImage(tenant, imageId);
      if (image && isRegistered(image)) return image;
      // Only the failure path asks the catalog: unknown is 404, known but unregistered is 400.
      await requireFacts(imageId);
      throw new ImageNotRegisteredError(imageId);
    },

    async registerImage(tenant: string, imageId: string, registration: Registration): Promise<ImageRecord> {
      requireWellFormed(imageId);
      const facts = await requireFacts(imageId);
      return store.registerImage(tenant, imageId, registration, facts, now());
    },

    /** Drops user name, description and tags. Idempotent for any image the catalog knows. */
    async unregisterImage(tenant: string, imageId: string): Promise<void> {
      requireWellFormed(imageId);
      await withRetries(imageId, async () => {
        const image = await store.getImage(tenant, imageId);
        if (image) return store.deleteImage(tenant, image);
        await requireFacts(imageId);
      });
    },

    tagImage(tenant: string, imageId: string, tags: readonly string[]): Promise<ImageRecord> {
      return changeTags(tenant, imageId, (current) => [...current, ...tags]);
    },

    untagImage(tenant: string, imageId: string, tags: readonly string[]): Promise<ImageRecord> {
      const removed = new Set(tags);
      return changeTags(tenant, imageId, (current) => current.filter((tag) => !removed.has(tag)));
    },

    /** The image's tags, registered or not, as upstream's v2 answers them. */
    async getImageTags(tenant: string, imageId: string): Promise<readonly string[]> {
      requireWellFormed(imageId);
      const image = await store.getImage(tenant, imageId);
      if (image) return image.tags;
      await requireFacts(imageId);
      return [];
    },

    /** v2's PUT: the image carries exactly `tags` afterwards. */
    replaceImageTags(tenant: string, imageId: string, tags: readonly string[]): Promise<ImageRecord> {
      return changeTags(tenant, imageId, () => tags);
    },

    /** v2's DELETE of the tags; a no-op (still a success) for an image without tags. */
    async removeAllImageTags(tenant: string, imageId: string): Promise<void> {
      await changeTags(tenant, imageId, () => []);
    },

    /**
     * The catalog reports that an image changed state; every tenant's record follows. A DELETED
     * image goes from every tenant with its tags, as upstream forgets a deleted Glance image: it
     * leaves the lists, and its show is 404 because the catalog no longer knows it either.
     */
    async syncImageState(imageId: string, state: ImageState): Promise<{ tenants: number; changed: number }> {
      const tenants = await store.findTenantsOfImage(imageId);
      let changed = 0;
      await forEachLimited(tenants, SYNC_CONCURRENCY, async (tenant) => {
        if (state.status === DELETED_STATUS) {
          await withRetries(imageId, async () => {
            const image = await store.getImage(tenant, imageId);
            if (!image) return;
            await store.deleteImage(tenant, image);
            changed++;
          });
        } else if (await store.updateImageState(tenant, imageId, state, now())) {
          changed++;
        }
      });
      return { tenants: tenants.length, changed };
    },
  };
};

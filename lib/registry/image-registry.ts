import { isServiceFailure } from '../aws-service-failure.ts';
import type { ImageCatalog } from '../catalog/image-catalog.ts';
import { remainingMs } from '../deadline.ts';
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
import { blankRecord, DELETED_STATUS, isDeprecated, isoSeconds, isRegistered } from './image.ts';
import { type ImagePage, listInOrder, type PageRequest, pageInOrder } from './image-pages.ts';
import type { ImageState, ImageStore, Registration, ScanOptions } from './image-store.ts';
import { type SweepSummary, sweepImages } from './image-sweep.ts';
import type { ListOrder } from './list-order.ts';
import { diffTags, isValidTag, MAX_TAGS_PER_IMAGE, normalizeTags } from './tag-rules.ts';

export type { ImagePage, PageRequest };

export interface ListFilter {
  /** Every tag must be on the image (AND). */
  readonly tags?: readonly string[] | undefined;
  /** Case-sensitive substring of the image name; empty means no filter. */
  readonly name?: string | undefined;
  /** False leaves out the images whose deprecation time has come; default true. */
  readonly includeDeprecated?: boolean | undefined;
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

/** The least time an attempt at a change (a read and a write) needs; with less left before the deadline, none starts. */
const MIN_ATTEMPT_MS = 100;

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
 * A catalog adapter names its own service's transient failures (DependencyUnavailableError). What
 * else it throws is sorted here by the common rule, so no adapter and no call site can get it
 * wrong: a timeout, a 5xx or a connection that failed is the catalog being unavailable (503, retry);
 * anything else (a missing permission, a bug) is ours to fix, an internal error (500, logged).
 */
const guardCatalog = (catalog: ImageCatalog): ImageCatalog => {
  const sorted = async <T>(ask: () => Promise<T>): Promise<T> => {
    try {
      return await ask();
    } catch (error) {
      if (error instanceof RegistryError || !(error instanceof Error) || !isServiceFailure(error)) throw error;
      throw new DependencyUnavailableError('image catalog', { cause: error });
    }
  };
  const { refreshImages } = catalog;
  return {
    isWellFormedId: (imageId) => catalog.isWellFormedId(imageId),
    describeImage: (imageId) => sorted(() => catalog.describeImage(imageId)),
    ...(refreshImages ? { refreshImages: (imageIds: readonly string[]) => sorted(() => refreshImages.call(catalog, imageIds)) } : {}),
  };
};

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

  /**
   * Optimistic concurrency: read, compute, write guarded by the version; on a conflict, again, with
   * full jitter so that a crowd of writers on one image does not collide in lockstep. Another
   * attempt starts only if it fits before the request's deadline (lib/deadline.ts).
   */
  const withRetries = async <T>(imageId: string, attemptOnce: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        return await attemptOnce();
      } catch (error) {
        if (!(error instanceof StaleRecordError)) throw error;
        metrics.count('writeConflicts');
        const delay = Math.random() * Math.min(250, 10 * 2 ** attempt);
        if (attempt === maxAttempts || remainingMs() < delay + MIN_ATTEMPT_MS) {
          metrics.count('writeRetriesExhausted');
          throw new ConcurrentUpdateError(imageId, attempt);
        }
        await sleep(delay);
      }
    }
    metrics.count('writeRetriesExhausted');
    throw new ConcurrentUpdateError(imageId, maxAttempts);
  };

  /**
   * A tenant's record of an image the catalog reports gone (deregistered): marked DELETED first, so
   * the change stream says the AMI was deregistered, not that someone unregistered it; then removed
   * with its tags, guarded by its version. Whether there was one.
   */
  const removeGoneRecord = async (tenant: string, imageId: string, changedAt: string) => {
    await store.updateImageState(tenant, imageId, { status: DELETED_STATUS, progress: 0, changedAt }, now());
    return withRetries(imageId, async () => {
      const image = await store.getImage(tenant, imageId);
      if (!image) return false;
      await store.deleteImage(tenant, image);
      return true;
    });
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

  async function* matchingImages(tenant: string, filter: ListFilter, options: ScanOptions = {}): AsyncIterable<readonly ImageRecord[]> {
    const tags = normalizeTags(filter.tags ?? []);
    // A tag that could never be set matches nothing; asking the index would only cost reads.
    if (!tags.every(isValidTag)) return;
    const name = filter.name ?? '';
    const at = filter.includeDeprecated === false ? now() : undefined;
    const candidates = tags.length > 0 ? store.findImagesByTags(tenant, tags, options) : store.listImages(tenant, options);
    const matches = (image: ImageRecord) =>
      isRegistered(image) &&
      tags.every((tag) => image.tags.includes(tag)) &&
      image.facts.name.includes(name) &&
      (at === undefined || !isDeprecated(image.facts, at));
    for await (const batch of candidates) {
      const matching = batch.filter(matches);
      if (matching.length > 0) yield matching;
    }
  }

  return {
    /** Registered images only, filtered by tags (AND), a name substring and deprecation, in `order` (by id when absent). */
    listImages(tenant: string, filter: ListFilter = {}, order?: ListOrder): Promise<ImageRecord[]> {
      return listInOrder((options) => matchingImages(tenant, filter, options), order);
    },

    /** One page of listImages from a position in its order (lib/registry/image-pages.ts). */
    listImagesPage(tenant: string, filter: ListFilter, request: PageRequest): Promise<ImagePage> {
      return pageInOrder((options) => matchingImages(tenant, filter, options), request);
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
        if (
          state.status === DELETED_STATUS
            ? await removeGoneRecord(tenant, imageId, state.changedAt)
            : await store.updateImageState(tenant, imageId, state, now())
        ) {
          changed++;
        }
      });
      return { tenants: tenants.length, changed };
    },

    /** Every tenant's record of every image checked against the catalog: lib/registry/image-sweep.ts. */
    sweepImages: (): Promise<SweepSummary> => sweepImages({ store, catalog, clock, removeGoneRecord, now }),
  };
};

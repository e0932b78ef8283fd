import type { ImageCatalog } from '../catalog/image-catalog.ts';
import { remainingMs } from '../deadline.ts';
import { log } from '../log.ts';
import { ConcurrentUpdateError, DependencyUnavailableError } from './errors.ts';
import type { ImageFacts } from './image.ts';
import type { ImageStore, RecordFacts } from './image-store.ts';

/** What one sweep did, for its log line. */
export interface SweepSummary {
  /** Records read: every tenant's record of every image. */
  readonly records: number;
  /** Distinct images the catalog was asked about. */
  readonly images: number;
  /** Records whose facts changed, and were written. */
  readonly refreshed: number;
  /** Records removed with their tags: their image is gone from the catalog. */
  readonly removed: number;
  readonly unchanged: number;
  /** Records of ids the catalog could never know (not AMI ids on the ec2 catalog): left alone. */
  readonly skipped: number;
  /** Records left as they were because the catalog or the database failed for them; the next sweep tries again. */
  readonly failed: number;
  /** False when the sweep stopped at its deadline before the end of the table. */
  readonly complete: boolean;
}

export interface SweepDependencies {
  readonly store: ImageStore;
  readonly catalog: ImageCatalog;
  readonly clock: () => Date;
  /** The registry's removal of a tenant's record of an image gone from the catalog, with its tags; whether there was one. */
  readonly removeGoneRecord: (tenant: string, imageId: string, changedAt: string) => Promise<boolean>;
  /** The registry's time format for updatedAt. */
  readonly now: () => string;
}

/** Images the catalog is asked about at a time: a failure costs the sweep at most these images' records. */
const ASK_BATCH = 100;
/** Records written at a time. */
const WRITE_CONCURRENCY = 8;
/** The sweep reads no further page with less time than this left: one page's catalog calls and writes fit in it. */
const PAGE_TIME_MS = 30_000;

/** What the catalog said of an image, and when it was asked; `failed` when it could not be asked. */
type Answer = { readonly facts: ImageFacts | undefined; readonly readAt: string } | 'failed';

/** Equal facts, whatever the order of their fields, an absent field being equal to an undefined one. */
const sameFacts = (a: ImageFacts, b: ImageFacts): boolean => {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ImageFacts>;
  return [...fields].every((field) => a[field] === b[field]);
};

const isTransient = (error: unknown) => error instanceof DependencyUnavailableError || error instanceof ConcurrentUpdateError;

/**
 * The daily sweep: every record of every tenant is checked against the catalog, which is asked
 * about each image once, in batches. A record whose image is gone (deregistered, or no longer
 * visible to the account) is removed with its tags; one whose facts changed gets the new facts,
 * unless the AMI state sync applied a newer state meanwhile. So AMIs that send the account no
 * state events (shared and public ones) stay fresh, and a lost event is made good within a day.
 * A transient failure leaves those records for the next sweep and the rest goes on; anything
 * else stops the sweep.
 */
export const sweepImages = async ({ store, catalog, clock, removeGoneRecord, now }: SweepDependencies): Promise<SweepSummary> => {
  const refreshImages = catalog.refreshImages?.bind(catalog);
  if (!refreshImages) throw new Error('this catalog does not change under the registry; there is nothing to sweep');
  const answers = new Map<string, Answer>();
  const count = { records: 0, refreshed: 0, removed: 0, unchanged: 0, skipped: 0, failed: 0 };

  const ask = async (imageIds: string[]) => {
    const readAt = clock().toISOString();
    try {
      const facts = await refreshImages(imageIds);
      for (const imageId of imageIds) answers.set(imageId, { facts: facts.get(imageId), readAt });
    } catch (error) {
      if (!isTransient(error)) throw error;
      log.warn('sweep: the catalog could not be asked about some images; their records wait for the next sweep', { images: imageIds.length, error });
      for (const imageId of imageIds) answers.set(imageId, 'failed');
    }
  };

  const sweepRecord = async ({ tenant, imageId, facts }: RecordFacts) => {
    const answer = answers.get(imageId);
    if (answer === undefined || answer === 'failed') return count.failed++;
    try {
      if (answer.facts === undefined) {
        if (await removeGoneRecord(tenant, imageId, answer.readAt)) count.removed++;
      } else if (sameFacts(facts, answer.facts)) {
        count.unchanged++;
      } else if (await store.refreshFacts(tenant, imageId, answer.facts, answer.readAt, now())) {
        count.refreshed++;
      }
    } catch (error) {
      if (!isTransient(error)) throw error;
      count.failed++;
    }
  };

  let complete = true;
  const pages = store.scanRecordFacts()[Symbol.asyncIterator]();
  for (;;) {
    if (remainingMs() < PAGE_TIME_MS) {
      complete = false;
      await pages.return?.();
      break;
    }
    const { done, value: page } = await pages.next();
    if (done) break;
    const records = page.filter((record) => catalog.isWellFormedId(record.imageId));
    count.records += page.length;
    count.skipped += page.length - records.length;
    const unasked = [...new Set(records.map((record) => record.imageId))].filter((imageId) => !answers.has(imageId));
    for (let i = 0; i < unasked.length; i += ASK_BATCH) await ask(unasked.slice(i, i + ASK_BATCH));
    for (let i = 0; i < records.length; i += WRITE_CONCURRENCY) await Promise.all(records.slice(i, i + WRITE_CONCURRENCY).map(sweepRecord));
  }
  return { ...count, images: answers.size, complete };
};

import type { ImageFacts, ImageRecord } from './image.ts';
import type { TagChange } from './tag-rules.ts';

/**
 * A place in a tenant's id order, between two ids: records after `after` come in ascending id
 * order, records before `before` in descending order. Either bound is exclusive.
 */
export type ListPosition = { readonly after: string } | { readonly before: string };

export interface ScanOptions {
  /** Where to start; the start of the ascending order when absent. */
  readonly position?: ListPosition | undefined;
  /** How many records the caller expects to take; reads are sized to it. All of them when absent. */
  readonly expected?: number | undefined;
  /** Without a position: read from the end of the order, in descending id order. */
  readonly descending?: boolean | undefined;
}

/** The part of an image's facts that changes after the image is made. */
export interface ImageState {
  readonly status: string;
  readonly progress: number;
  /** When the catalog saw the change; a report older than the one applied last is ignored. */
  readonly changedAt: string;
}

/** One tenant's record of an image, as the daily sweep reads it: enough to tell whether its facts are current. */
export interface RecordFacts {
  readonly tenant: string;
  readonly imageId: string;
  readonly facts: ImageFacts;
}

export interface Registration {
  readonly username: string;
  /** Absent: keep the current description (empty for a new record). */
  readonly description?: string | undefined;
}

/**
 * The port the registry keeps its records behind (adapter: lib/store/dynamodb-image-store.ts).
 * Lists are read lazily: a caller that stops early stops the reads. Record reads are strongly
 * consistent. Writes that depend on what was read are guarded by the record's version and throw
 * StaleRecordError when it moved.
 */
export interface ImageStore {
  getImage(tenant: string, imageId: string): Promise<ImageRecord | undefined>;
  /**
   * Every record of the tenant, registered or not, in id order from `options.position`, a batch
   * at a time (what one read returned): a list of thousands costs a step per batch, not per image.
   */
  listImages(tenant: string, options?: ScanOptions): AsyncIterable<readonly ImageRecord[]>;
  /**
   * The records the tag index lists under every one of `tags`, in id order from
   * `options.position`, a batch at a time. The index may lag the records, so the caller checks
   * each record's own tags.
   */
  findImagesByTags(tenant: string, tags: readonly string[], options?: ScanOptions): AsyncIterable<readonly ImageRecord[]>;
  /** Sets user name and description, refreshes the facts, keeps the tags. One write, no guard. */
  registerImage(tenant: string, imageId: string, registration: Registration, facts: ImageFacts, now: string): Promise<ImageRecord>;
  /** Applies a tag change to `current` (version 0: a record not yet stored) and its index entries, atomically. */
  writeTags(tenant: string, current: ImageRecord, change: TagChange, now: string): Promise<ImageRecord>;
  /** Removes the record and its index entries, atomically. */
  deleteImage(tenant: string, current: ImageRecord): Promise<void>;
  /**
   * Every tenant holding a record of the image, in no particular order. Read from an index that
   * may lag the records by a moment.
   */
  findTenantsOfImage(imageId: string): Promise<string[]>;
  /**
   * Sets the record's status and progress, unless the record is gone, a newer state was applied,
   * or this very state (same status, same time) was. Whether it was applied.
   */
  updateImageState(tenant: string, imageId: string, state: ImageState, now: string): Promise<boolean>;
  /** Every record of every tenant, a page at a time, in no particular order. For the daily sweep: it reads the whole table. */
  scanRecordFacts(): AsyncIterable<readonly RecordFacts[]>;
  /**
   * Replaces the record's facts with the catalog's, read at `changedAt`, unless the record is gone
   * or a newer state was applied. Whether it was applied.
   */
  refreshFacts(tenant: string, imageId: string, facts: ImageFacts, changedAt: string, now: string): Promise<boolean>;
}

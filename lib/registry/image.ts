/** What the image catalog knows of an image; copied onto the record whenever it is written. */
export interface ImageFacts {
  readonly name: string;
  readonly status: string;
  readonly progress: number;
  readonly minDisk: number;
  readonly minRam: number;
  /** Bytes, rendered as `OS-EXT-IMG-SIZE:size`. */
  readonly size: number;
  /** ISO 8601 UTC to the second; absent when the catalog does not know (the record's own time is used). */
  readonly created?: string | undefined;
  readonly updated?: string | undefined;
  /** ISO 8601 UTC to the second: when the catalog deprecates (or deprecated) the image; absent when it does not. */
  readonly deprecationTime?: string | undefined;
  /** Who owns the image in the catalog (an AMI's account id); shown as the `owner` metadata. */
  readonly owner?: string | undefined;
}

/**
 * The registry's record of one image in one tenant. An image is registered when it has a user
 * name; an unregistered record exists only to keep tags set before registration.
 */
export interface ImageRecord {
  readonly id: string;
  readonly username: string;
  readonly description: string;
  /** Sorted, without duplicates. */
  readonly tags: readonly string[];
  readonly facts: ImageFacts;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Optimistic-concurrency guard: every write of the record increments it. */
  readonly version: number;
}

/** The status with which a catalog reports an image that is gone for good (Glance's `deleted`). */
export const DELETED_STATUS = 'DELETED';

export const isRegistered = (image: Pick<ImageRecord, 'username'>): boolean => image.username !== '';

/** An image the catalog knows but the tenant has no record of yet. */
export const blankRecord = (id: string, facts: ImageFacts, now: string): ImageRecord => ({
  id,
  username: '',
  description: '',
  tags: [],
  facts,
  createdAt: now,
  updatedAt: now,
  version: 0,
});

/** Seconds precision, as upstream renders times. */
export const isoSeconds = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/** Whether the image's deprecation time has come by `at` (ISO 8601 UTC). */
export const isDeprecated = (facts: Pick<ImageFacts, 'deprecationTime'>, at: string): boolean =>
  facts.deprecationTime !== undefined && facts.deprecationTime <= at;

import type { ImageFacts } from '../registry/image.ts';
import { MAX_IMAGE_ID_BYTES, utf8Length } from '../registry/image-id.ts';

/**
 * The port through which the registry learns what an image is (upstream asks Glance). Adapters:
 * open-catalog.ts (every well-formed id exists), static-catalog.ts (a JSON file).
 */
export interface ImageCatalog {
  /** Whether the id could name an image at all; a malformed id is "not found" without any lookup. */
  isWellFormedId(imageId: string): boolean;
  /** The image's facts, or undefined when the catalog does not know it. */
  describeImage(imageId: string): Promise<ImageFacts | undefined>;
  /**
   * For the daily sweep, where a catalog changes under the registry (the ec2 catalog): the current
   * facts of each of `imageIds` that still exists, whoever owns it. An id missing from the answer
   * is gone for good. Asked in batches of any size; the adapter splits them as its service needs.
   */
  refreshImages?(imageIds: readonly string[]): Promise<ReadonlyMap<string, ImageFacts>>;
}

// Ids become part of DynamoDB keys, markers and path segments: keep them short, slash-free and printable.
const WELL_FORMED_ID = /^[^/\p{C}]+$/u;

/** 1 to MAX_IMAGE_ID_BYTES bytes of UTF-8, printable, without `/`. */
export const isWellFormedImageId = (imageId: string): boolean => utf8Length(imageId) <= MAX_IMAGE_ID_BYTES && WELL_FORMED_ID.test(imageId);

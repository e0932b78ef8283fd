import type { ImageFacts } from '../registry/image.ts';

/**
 * The port through which the registry learns what an image is (upstream asks Glance). Adapters:
 * open-catalog.ts (every well-formed id exists), static-catalog.ts (a JSON file).
 */
export interface ImageCatalog {
  /** Whether the id could name an image at all; a malformed id is "not found" without any lookup. */
  isWellFormedId(imageId: string): boolean;
  /** The image's facts, or undefined when the catalog does not know it. */
  describeImage(imageId: string): Promise<ImageFacts | undefined>;
}

// Ids become part of DynamoDB keys and path segments: keep them short, slash-free and printable.
const WELL_FORMED_ID = /^[^/\p{C}]{1,255}$/u;

export const isWellFormedImageId = (imageId: string): boolean => WELL_FORMED_ID.test(imageId);

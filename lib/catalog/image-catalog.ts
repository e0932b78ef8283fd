import type { ImageFacts } from '../registry/image.ts';
import { MAX_IMAGE_ID_BYTES, utf8Length } from '../registry/image-id.ts';

/**
 * The port through which the registry learns what an image is (upstream asks Glance). Adapters:
 * open-catalog.ts (every well-formed id exists), static-catalog.ts (a JSON file), ec2-catalog.ts.
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

/** One image as the read-only image service shows it: its id, facts, and formats where the catalog knows them. */
export interface CatalogImage {
  readonly id: string;
  readonly facts: ImageFacts;
  /** Glance's disk_format (ami, qcow2, raw...); absent when unknown. */
  readonly diskFormat?: string | undefined;
  /** Glance's container_format (ami, bare, ovf...); absent when unknown. */
  readonly containerFormat?: string | undefined;
}

export interface CatalogFilter {
  /** Exactly this name, as Glance's `name` filter; every image when absent. */
  readonly name?: string | undefined;
}

/**
 * What the read-only image service (lib/image-service/) reads besides the registry's needs: one
 * image with its id, and the images of a name (what openstacksdk's find_image asks for).
 */
export interface BrowsableImageCatalog extends ImageCatalog {
  /** The image, or undefined when the catalog does not know it. */
  findImage(imageId: string): Promise<CatalogImage | undefined>;
  /** The images matching the filter, ordered by id (see byId). */
  listImages(filter: CatalogFilter): Promise<CatalogImage[]>;
}

/** The one order of catalog listings, so a marker means the same on every page. */
export const byId = (a: CatalogImage, b: CatalogImage): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

// Ids become part of DynamoDB keys, markers and path segments: keep them short, slash-free and printable.
const WELL_FORMED_ID = /^[^/\p{C}]+$/u;

/** 1 to MAX_IMAGE_ID_BYTES bytes of UTF-8, printable, without `/`. */
export const isWellFormedImageId = (imageId: string): boolean => utf8Length(imageId) <= MAX_IMAGE_ID_BYTES && WELL_FORMED_ID.test(imageId);

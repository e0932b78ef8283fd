import type { ImageFacts } from '../registry/image.ts';

/**
 * The port through which the registry learns what an image is (upstream asks Glance). Adapters:
 * open-catalog.ts (every well-formed id exists), static-catalog.ts (a JSON file), ec2-catalog.ts.
 */
export interface ImageCatalog {
  /** Whether the id could name an image at all; a malformed id is "not found" without any lookup. */
  isWellFormedId(imageId: string): boolean;
  /** The image's facts, or undefined when the catalog does not know it. */
  describeImage(imageId: string): Promise<ImageFacts | undefined>;
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

// Ids become part of DynamoDB keys and path segments: keep them short, slash-free and printable.
const WELL_FORMED_ID = /^[^/\p{C}]{1,255}$/u;

export const isWellFormedImageId = (imageId: string): boolean => WELL_FORMED_ID.test(imageId);

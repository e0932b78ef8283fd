import type { ImageFacts, ImageRecord } from '../registry/image.ts';
import { keyNames, keys, type TableKey } from './keys.ts';

/**
 * The items one image occupies, next to the keys that place them (keys.ts): the record, the one
 * source of truth, and an index entry per tag. The record's attributes are the domain record's
 * fields plus its keys and the time of the last catalog state applied to it.
 */
export interface ImageItem extends TableKey {
  readonly GSI1PK: string;
  readonly GSI1SK: string;
  readonly id: string;
  readonly username: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly facts: ImageFacts;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  /** When the catalog reported the state now in `facts` (the AMI sync); absent until it does. */
  readonly stateChangedAt?: string;
}

/** A record attribute or one of its facts, as expressions name them. */
export type ItemAttribute = keyof ImageItem | keyof ImageFacts;

/** `#name` placeholders for expressions, so DynamoDB's reserved words never bite. */
export const attributeNames = (...names: ItemAttribute[]): Record<string, string> => Object.fromEntries(names.map((name) => [`#${name}`, name]));

export const recordItem = (tenant: string, image: ImageRecord): ImageItem => ({
  ...keys.image(tenant, image.id),
  ...keys.imageIndex(tenant, image.id),
  id: image.id,
  username: image.username,
  description: image.description,
  tags: [...image.tags],
  facts: image.facts,
  createdAt: image.createdAt,
  updatedAt: image.updatedAt,
  version: image.version,
});

/** The record's GSI1 entry as expression values, for writes that (re)set it. */
export const imageIndexValues = (tenant: string, imageId: string) => {
  const index = keys.imageIndex(tenant, imageId);
  return { ':imageIndexPK': index[keyNames.GSI1PK], ':imageIndexSK': index[keyNames.GSI1SK] };
};

export const tagEntryItem = (tenant: string, imageId: string, tag: string) => ({
  ...keys.tagEntry(tenant, imageId, tag),
  ...keys.tagEntryIndex(tenant, imageId, tag),
});

export const recordOf = (item: Record<string, unknown>): ImageRecord => {
  const { id, username, description, tags, facts, createdAt, updatedAt, version } = item as unknown as ImageItem;
  return { id, username, description, tags, facts, createdAt, updatedAt, version };
};

/**
 * Every item of one image, exactly as the store writes them. For bulk loading (the bench and tests
 * seed thousands of images in batches); the store itself writes one image at a time.
 */
export const imageItems = (tenant: string, image: ImageRecord): Record<string, unknown>[] => [
  { ...recordItem(tenant, image) },
  ...image.tags.map((tag) => tagEntryItem(tenant, image.id, tag)),
];

/**
 * The one place where DynamoDB keys are spelled. Tenants never contain '#' (checked at the edge),
 * so every key is unambiguous even though image ids may contain it.
 *
 *   image record  PK TENANT#<tenant>               SK IMAGE#<id>
 *                 GSI1PK IMAGE#<id>                GSI1SK TENANT#<tenant>
 *   tag entry     PK TENANT#<tenant>#IMAGE#<id>    SK TAG#<tag>
 *                 GSI1PK TENANT#<tenant>#TAG#<tag> GSI1SK IMAGE#<id>
 *
 * GSI1 holds two families that never meet: a tag partition starts with TENANT#, an image's
 * partition (every tenant's record of one image, for the catalog's state changes) with IMAGE#.
 */
const IMAGE = 'IMAGE#';
const TAG = 'TAG#';
const tenantPrefix = (tenant: string) => `TENANT#${tenant}`;

export interface TableKey {
  readonly PK: string;
  readonly SK: string;
}

export interface TagEntryKeys extends TableKey {
  readonly GSI1PK: string;
  readonly GSI1SK: string;
}

export interface ImageIndexKeys {
  readonly GSI1PK: string;
  readonly GSI1SK: string;
}

export const keys = {
  /** Partition holding all of a tenant's image records. */
  tenantPartition: tenantPrefix,
  imageSortKeyPrefix: IMAGE,
  image: (tenant: string, imageId: string): TableKey => ({ PK: tenantPrefix(tenant), SK: `${IMAGE}${imageId}` }),
  tagEntry: (tenant: string, imageId: string, tag: string): TagEntryKeys => ({
    PK: `${tenantPrefix(tenant)}#${IMAGE}${imageId}`,
    SK: `${TAG}${tag}`,
    GSI1PK: `${tenantPrefix(tenant)}#${TAG}${tag}`,
    GSI1SK: `${IMAGE}${imageId}`,
  }),
  /** Index partition listing every image of the tenant that carries `tag`. */
  tagIndexPartition: (tenant: string, tag: string) => `${tenantPrefix(tenant)}#${TAG}${tag}`,
  /** The index entry of an image record: listed under its image, sorted by tenant. */
  imageIndex: (tenant: string, imageId: string): ImageIndexKeys => ({ GSI1PK: `${IMAGE}${imageId}`, GSI1SK: tenantPrefix(tenant) }),
  /** Index partition listing every tenant that holds a record of the image. */
  imageIndexPartition: (imageId: string) => `${IMAGE}${imageId}`,
  /** The tenant of an image record's GSI1SK. */
  tenantOf: (indexSortKey: string) => indexSortKey.slice(tenantPrefix('').length),
  /** The image id of an image record's SK or a tag entry's GSI1SK. */
  imageIdOf: (sortKey: string) => sortKey.slice(IMAGE.length),
};

export const tagEntryKey = (tenant: string, imageId: string, tag: string): TableKey => {
  const { PK, SK } = keys.tagEntry(tenant, imageId, tag);
  return { PK, SK };
};

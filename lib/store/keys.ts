import { tableDefinition } from './table-definition.ts';

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
 * The attribute names come from the table definition, which the CDK stack and the local front share.
 */
const { partitionKey: PK, sortKey: SK, tagIndex } = tableDefinition;
const { partitionKey: GSI1PK, sortKey: GSI1SK } = tagIndex;

const IMAGE = 'IMAGE#';
const TAG = 'TAG#';
const tenantPrefix = (tenant: string) => `TENANT#${tenant}`;

export type TableKey = { readonly [K in typeof PK | typeof SK]: string };
type IndexKey = { readonly [K in typeof GSI1PK | typeof GSI1SK]: string };

const tableKey = (partition: string, sort: string): TableKey => ({ [PK]: partition, [SK]: sort });
const indexKey = (partition: string, sort: string): IndexKey => ({ [GSI1PK]: partition, [GSI1SK]: sort });

/** A sort key of an image record. */
const imageSortKey = (imageId: string) => `${IMAGE}${imageId}`;

export const keys = {
  /** Partition holding all of a tenant's image records. */
  tenantPartition: tenantPrefix,
  imageSortKeyPrefix: IMAGE,
  imageSortKey,
  image: (tenant: string, imageId: string): TableKey => tableKey(tenantPrefix(tenant), imageSortKey(imageId)),
  /** The index entry of an image record: listed under its image, sorted by tenant. */
  imageIndex: (tenant: string, imageId: string): IndexKey => indexKey(imageSortKey(imageId), tenantPrefix(tenant)),
  /** Index partition listing every tenant that holds a record of the image. */
  imageIndexPartition: imageSortKey,
  tagEntry: (tenant: string, imageId: string, tag: string): TableKey => tableKey(`${tenantPrefix(tenant)}#${IMAGE}${imageId}`, `${TAG}${tag}`),
  /** The tag entry's place in the index: under the tag, sorted by image id. */
  tagEntryIndex: (tenant: string, imageId: string, tag: string): IndexKey => indexKey(`${tenantPrefix(tenant)}#${TAG}${tag}`, imageSortKey(imageId)),
  /** Index partition listing every image of the tenant that carries `tag`. */
  tagIndexPartition: (tenant: string, tag: string) => `${tenantPrefix(tenant)}#${TAG}${tag}`,
  /** Whether a sort key is an image record's (the tenant partition holds nothing else today). */
  isImageSortKey: (sortKey: string) => sortKey.startsWith(IMAGE),
  /** The tenant of an image record's GSI1SK, or of its PK. */
  tenantOf: (indexSortKey: string) => indexSortKey.slice(tenantPrefix('').length),
  /** The image id of an image record's SK or a tag entry's GSI1SK. */
  imageIdOf: (sortKey: string) => sortKey.slice(IMAGE.length),
  /** The tag of a tag entry's SK. */
  tagOf: (sortKey: string) => sortKey.slice(TAG.length),
};

/** The attribute names of the keys, for expressions: `${keyNames.PK} = :pk`. */
export const keyNames = { PK, SK, GSI1PK, GSI1SK, index: tagIndex.name } as const;

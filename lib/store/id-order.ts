import type { ListPosition } from '../registry/image-store.ts';
import { compareUtf8 } from '../registry/utf8-order.ts';
import { keys } from './keys.ts';

/** DynamoDB orders string keys by their UTF-8 bytes, which is not JavaScript's UTF-16 order for every id. */
export const compareIds = compareUtf8;

export interface SortKeyRange {
  /** The sort-key part of a KeyConditionExpression. */
  readonly condition: string;
  readonly values: Record<string, string>;
  /** Whether to read in ascending order (ScanIndexForward). */
  readonly forward: boolean;
}

/**
 * The image sort keys on one side of `position`, and the direction to read them: a page starts
 * reading at its marker, never at the start of the list. `sortKey` is the attribute that holds
 * `IMAGE#<id>`: SK in the tenant's partition, GSI1SK in a tag's index partition. Without a
 * position, every image sort key, from the end when `descending`.
 */
export const sortKeyRange = (sortKey: string, position: ListPosition | undefined, descending = false): SortKeyRange => {
  if (position === undefined) {
    return { condition: `begins_with(${sortKey}, :image)`, values: { ':image': keys.imageSortKeyPrefix }, forward: !descending };
  }
  if ('after' in position) return { condition: `${sortKey} > :bound`, values: { ':bound': keys.imageSortKey(position.after) }, forward: true };
  return { condition: `${sortKey} < :bound`, values: { ':bound': keys.imageSortKey(position.before) }, forward: false };
};

import type { ImageRecord } from './image.ts';
import { compareUtf8 } from './utf8-order.ts';

/**
 * The orders a list can come in (`sort_by`, Sahara v2's convention: a field, `-` in front for
 * descending). Every order is total: images with equal keys follow their ids, and a descending
 * order is exactly the ascending one reversed, so a position (key and id) is a place in it that
 * does not depend on which images exist.
 */
const SORT_FIELDS = ['id', 'name', 'created', 'updated'] as const;

export type SortField = (typeof SORT_FIELDS)[number];

export interface ListOrder {
  readonly field: SortField;
  readonly descending: boolean;
}

/** Upstream's default, and the order of the keys: what a list without `sort_by` has always been. */
export const ID_ORDER: ListOrder = { field: 'id', descending: false };

/** Every value `sort_by` accepts. */
export const SORT_BY_VALUES: readonly string[] = SORT_FIELDS.flatMap((field) => [field, `-${field}`]);

/** `-created` -> created, descending; undefined for anything else. */
export const parseSortBy = (value: string): ListOrder | undefined => {
  const descending = value.startsWith('-');
  const field = SORT_FIELDS.find((candidate) => candidate === (descending ? value.slice(1) : value));
  return field === undefined ? undefined : { field, descending };
};

export const sortByOf = ({ field, descending }: ListOrder): string => `${descending ? '-' : ''}${field}`;

export const isIdOrder = (order: ListOrder): boolean => order.field === 'id';

const later = (a: string, b: string | undefined) => (b !== undefined && b > a ? b : a);

/** The image's `created` as it is shown: the catalog's creation time, else when the record was made. */
export const shownCreated = (image: ImageRecord): string => image.facts.created ?? image.createdAt;

/** The image's `updated` as it is shown: the later of the record's last change and the catalog's update. */
export const shownUpdated = (image: ImageRecord): string => later(image.updatedAt, image.facts.updated);

/** What an image is sorted by: the value it shows in that field, so the order agrees with what the caller reads. */
const sortKeyOf = (image: ImageRecord, field: SortField): string => {
  switch (field) {
    case 'id':
      return image.id;
    case 'name':
      return image.facts.name;
    case 'created':
      return shownCreated(image);
    case 'updated':
      return shownUpdated(image);
  }
};

/** DynamoDB orders string keys by their UTF-8 bytes; so do sorted lists, so that every order agrees with the id order. */
const compareBytes = compareUtf8;

/**
 * A place in an order, between two images: `after` or `before` names an image id and, for orders
 * other than id, `key` holds that image's sort key, so the place stays where it was when the image
 * changes or goes.
 */
export type PagePosition = { readonly after: string; readonly key?: string } | { readonly before: string; readonly key?: string };

interface Place {
  readonly key: string;
  readonly id: string;
}

const compareInOrder = (order: ListOrder, a: Place, b: Place): number => {
  const byKey = order.field === 'id' ? 0 : compareBytes(a.key, b.key);
  const ascending = byKey !== 0 ? byKey : compareBytes(a.id, b.id);
  return order.descending ? -ascending : ascending;
};

const placeOf = (order: ListOrder, image: ImageRecord): Place => ({ key: sortKeyOf(image, order.field), id: image.id });

/** Sorts in place, in `order`. */
export const sortImages = (images: ImageRecord[], order: ListOrder): ImageRecord[] =>
  images.sort((a, b) => compareInOrder(order, placeOf(order, a), placeOf(order, b)));

/** The images strictly on the side of `position` it names, nearest first. `sorted` is in `order`. */
export const imagesFrom = (sorted: readonly ImageRecord[], order: ListOrder, position: PagePosition): ImageRecord[] => {
  const after = 'after' in position;
  const place = { key: position.key ?? '', id: after ? position.after : position.before };
  const side = sorted.filter((image) => {
    const comparison = compareInOrder(order, placeOf(order, image), place);
    return after ? comparison > 0 : comparison < 0;
  });
  return after ? side : side.reverse();
};

/** The position just after (or before) an image, in `order`. */
export const positionAt = (order: ListOrder, side: 'after' | 'before', image: ImageRecord): PagePosition => {
  const key = isIdOrder(order) ? {} : { key: sortKeyOf(image, order.field) };
  return side === 'after' ? { after: image.id, ...key } : { before: image.id, ...key };
};

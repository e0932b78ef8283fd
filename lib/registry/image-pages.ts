import type { ImageRecord } from './image.ts';
import type { ListPosition, ScanOptions } from './image-store.ts';
import { ID_ORDER, imagesFrom, isIdOrder, type ListOrder, type PagePosition, positionAt, sortImages } from './list-order.ts';

export interface PageRequest {
  /** At most this many images. */
  readonly limit: number;
  /** Where the page starts; the start of the list when absent. */
  readonly position?: PagePosition | undefined;
  /** The id order when absent. */
  readonly order?: ListOrder | undefined;
}

export interface ImagePage {
  readonly images: ImageRecord[];
  readonly next?: PagePosition;
  readonly prev?: PagePosition;
}

/** The matching images in id order from a store position (the registry's filters applied), a batch at a time. */
export type MatchingImages = (options?: ScanOptions) => AsyncIterable<readonly ImageRecord[]>;

/** The first `atMost` images; stopping there stops the reads. */
const collect = async (batches: AsyncIterable<readonly ImageRecord[]>, atMost = Number.POSITIVE_INFINITY) => {
  const found: ImageRecord[] = [];
  for await (const batch of batches) {
    for (const image of batch) {
      if (found.push(image) >= atMost) return found;
    }
  }
  return found;
};

/** A page position in the id order as the store reads it: descending reads are the ascending ones mirrored. */
const storeScan = ({ descending }: ListOrder, position: PagePosition | undefined): ScanOptions => {
  if (position === undefined) return { descending };
  const [side, id] = 'after' in position ? (['after', position.after] as const) : (['before', position.before] as const);
  const storeSide = (side === 'after') === !descending ? 'after' : 'before';
  return { position: (storeSide === 'after' ? { after: id } : { before: id }) satisfies ListPosition };
};

/**
 * The images of the page and one more (to know whether there is another page), in reading order:
 * away from the position. The id order is the store's own, so a page reads from its position on
 * and about one page. Any other order needs every match first: its cost is the matches', not the
 * catalogue's, since the matching images are all that is read.
 */
const readAway = async (matching: MatchingImages, { limit, position, order = ID_ORDER }: PageRequest): Promise<ImageRecord[]> => {
  if (isIdOrder(order)) return collect(matching({ ...storeScan(order, position), expected: limit + 1 }), limit + 1);
  const sorted = sortImages(await collect(matching()), order);
  return (position ? imagesFrom(sorted, order, position) : sorted).slice(0, limit + 1);
};

/** Every matching image, in `order`. */
export const listInOrder = async (matching: MatchingImages, order: ListOrder = ID_ORDER): Promise<ImageRecord[]> => {
  if (isIdOrder(order)) return collect(matching({ descending: order.descending }));
  return sortImages(await collect(matching()), order);
};

/**
 * One page from a position in `order`. `next` and `prev` are the positions of the pages after and
 * before it, absent where there is none; following `next` from the first page yields every
 * matching image once, also while images are registered or removed meanwhile.
 */
export const pageInOrder = async (matching: MatchingImages, request: PageRequest): Promise<ImagePage> => {
  const { limit, position, order = ID_ORDER } = request;
  const found = await readAway(matching, request);
  const more = found.length > limit;
  const backward = position !== undefined && 'before' in position;
  const images = backward ? found.slice(0, limit).reverse() : found.slice(0, limit);
  const [first, last] = [images[0], images.at(-1)];
  // An empty page (a position past either end) has nothing to page from: start again.
  if (!first || !last) return { images };
  const next = positionAt(order, 'after', last);
  const prev = positionAt(order, 'before', first);
  return backward ? { images, next, ...(more ? { prev } : {}) } : { images, ...(more ? { next } : {}), ...(position ? { prev } : {}) };
};

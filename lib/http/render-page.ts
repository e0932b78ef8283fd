import type { ImagePage } from '../registry/image-registry.ts';
import { ID_ORDER, type ListOrder, type PagePosition, positionAt } from '../registry/list-order.ts';
import { ANSWER_BODY_BUDGET_BYTES, bytesInResult } from './answer-size.ts';
import { encodeMarker, MAX_MARKER_LENGTH } from './list-marker.ts';
import { renderImage, type SaharaImage } from './render-image.ts';

/** The page's JSON beyond its images: the keys, the brackets and two markers at their longest. */
const PAGE_FRAME_BYTES = 256 + 2 * MAX_MARKER_LENGTH;

/**
 * How many of `images` (in the order kept, nearest the marker first) fit one answer uncompressed,
 * at least one: an image is at most some 40 KB, far below the budget.
 */
const countThatFit = (images: readonly SaharaImage[]): number => {
  let bytes = PAGE_FRAME_BYTES;
  let fitting = 0;
  for (const image of images) {
    bytes += bytesInResult(JSON.stringify(image)) + 1;
    if (bytes > ANSWER_BODY_BUDGET_BYTES && fitting > 0) break;
    fitting++;
  }
  return fitting;
};

/**
 * A page as the API answers it: its images and the markers to the pages on either side, in its
 * order. A page holds at most what one answer carries uncompressed (lib/http/answer-size.ts), so a
 * page of very large images (1024-character descriptions, 50 long tags) is cut short, keeping the
 * images nearest its marker; the marker on the cut side then leads on from the last image kept,
 * and a walk along the markers still sees every image once. Clients see a page of fewer than `limit` images.
 */
export const renderPage = (page: ImagePage, position: PagePosition | undefined, order: ListOrder = ID_ORDER) => {
  const rendered = page.images.map(renderImage);
  const backward = position !== undefined && 'before' in position;
  const fitting = countThatFit(backward ? [...rendered].reverse() : rendered);
  let { prev, next } = page;
  let images = rendered;
  if (fitting < rendered.length) {
    const cut = backward ? rendered.length - fitting : fitting;
    images = backward ? rendered.slice(cut) : rendered.slice(0, cut);
    if (backward) prev = positionAt(order, 'before', page.images[cut]!);
    else next = positionAt(order, 'after', page.images[cut - 1]!);
  }
  return { images, markers: { prev: encodeMarker(prev, order), next: encodeMarker(next, order) } };
};

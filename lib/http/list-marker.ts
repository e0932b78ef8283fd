import { MAX_IMAGE_ID_BYTES, utf8Length } from '../registry/image-id.ts';
import { ID_ORDER, isIdOrder, type ListOrder, type PagePosition, parseSortBy, SORT_BY_VALUES, sortByOf } from '../registry/list-order.ts';

/**
 * A list marker is opaque to clients: base64url of a small JSON position in the list's order.
 * In the id order, {"after": id} or {"before": id}; in any other order the marker also names the
 * order and carries the sort key of that image, {"sort_by": "-created", "after": id, "key": "2026-..."}.
 * A position, not a snapshot, so a marker never expires and a walk along `next` sees each image once
 * while others are registered or removed.
 */
export interface DecodedMarker {
  readonly position: PagePosition;
  /** The order the marker was given out in. */
  readonly order: ListOrder;
}

export const encodeMarker = (position: PagePosition | undefined, order: ListOrder = ID_ORDER): string | null => {
  if (position === undefined) return null;
  const sortBy = sortByOf(order) === sortByOf(ID_ORDER) ? {} : { sort_by: sortByOf(order) };
  const place = 'after' in position ? { after: position.after } : { before: position.before };
  const key = isIdOrder(order) ? {} : { key: position.key ?? '' };
  return Buffer.from(JSON.stringify({ ...sortBy, ...place, ...key })).toString('base64url');
};

/** Sort keys are names (at most 255 characters) and times. */
const MAX_KEY_LENGTH = 255;

/**
 * The longest marker encodeMarker makes, derived from the longest id (lib/registry/image-id.ts):
 * the JSON's frame `{"sort_by":"","before":"","key":""}`, the longest sort_by, the id with JSON's
 * escapes (at most twice its bytes: ids hold no control characters), and the key with them (at
 * most 6 bytes a character: a name may hold control characters, `\u0001`); in base64url, 4
 * characters for every 3 bytes. 35 + 8 + 2 x 255 + 6 x 255 = 2,083 bytes, 2,778 characters.
 */
const MAX_POSITION_JSON_BYTES =
  '{"sort_by":"","before":"","key":""}'.length + Math.max(...SORT_BY_VALUES.map((value) => value.length)) + 2 * MAX_IMAGE_ID_BYTES + 6 * MAX_KEY_LENGTH;
export const MAX_MARKER_LENGTH = Math.ceil((MAX_POSITION_JSON_BYTES * 4) / 3);

/** An id a marker may name: one the catalog could know, by its UTF-8 bytes, so that the key it becomes fits DynamoDB. */
const isMarkerId = (value: unknown): value is string => typeof value === 'string' && value !== '' && utf8Length(value) <= MAX_IMAGE_ID_BYTES;
const isMarkerKey = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_KEY_LENGTH;

export const decodeMarker = (marker: string): DecodedMarker | undefined => {
  if (marker.length > MAX_MARKER_LENGTH || !/^[A-Za-z0-9_-]+$/.test(marker)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { sort_by: sortBy, after, before, key, ...unknown } = value as Record<string, unknown>;
  if (Object.keys(unknown).length > 0) return undefined;
  // The id order is the one a marker without sort_by names; encodeMarker never writes it out.
  const order = sortBy === undefined ? ID_ORDER : typeof sortBy === 'string' ? parseSortBy(sortBy) : undefined;
  if (order === undefined || (sortBy !== undefined && sortByOf(order) === sortByOf(ID_ORDER))) return undefined;
  if (isIdOrder(order) ? key !== undefined : !isMarkerKey(key)) return undefined;
  const keyPart = typeof key === 'string' ? { key } : {};
  if (isMarkerId(after) && before === undefined) return { position: { after, ...keyPart }, order };
  if (isMarkerId(before) && after === undefined) return { position: { before, ...keyPart }, order };
  return undefined;
};

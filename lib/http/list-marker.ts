import { ID_ORDER, isIdOrder, type ListOrder, type PagePosition, parseSortBy, sortByOf } from '../registry/list-order.ts';

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

/** Image ids are at most 255 characters; anything longer was not made by encodeMarker. */
const MAX_ID_LENGTH = 255;
/** Sort keys are names (at most 255 characters) and times. */
const MAX_KEY_LENGTH = 255;
/** An id and a name of 255 characters, each character escaped in JSON (6 bytes), in base64. */
const MAX_MARKER_LENGTH = 8192;

const isBoundedString = (value: unknown, maxLength: number): value is string => typeof value === 'string' && value.length <= maxLength;

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
  if (isIdOrder(order) ? key !== undefined : !isBoundedString(key, MAX_KEY_LENGTH)) return undefined;
  const keyPart = typeof key === 'string' ? { key } : {};
  if (isBoundedString(after, MAX_ID_LENGTH) && before === undefined) return { position: { after, ...keyPart }, order };
  if (isBoundedString(before, MAX_ID_LENGTH) && after === undefined) return { position: { before, ...keyPart }, order };
  return undefined;
};

import { MAX_IMAGE_ID_BYTES, utf8Length } from '../registry/image-id.ts';
import type { ListPosition } from '../registry/image-store.ts';

/**
 * A list marker is opaque to clients: base64url of a small JSON position in the id order
 * ({"after": id} or {"before": id}). A position, not a snapshot, so a marker never expires and a
 * walk along `next` sees each image once while others are registered or removed.
 */
export const encodeMarker = (position: ListPosition | undefined): string | null =>
  position === undefined ? null : Buffer.from(JSON.stringify(position)).toString('base64url');

/** JSON bytes a position keeps beyond its side and id, for what else it may come to carry (a sort key's value). */
const MARKER_EXTRA_BYTES = 1024;
/** `{"before":""}`: the JSON of a position without its id. */
const POSITION_FRAME_BYTES = 13;
/** JSON escaping at most doubles an id (`"` and `\`; ids hold no control characters): lib/registry/image-id.ts. */
const MAX_POSITION_JSON_BYTES = POSITION_FRAME_BYTES + 2 * MAX_IMAGE_ID_BYTES + MARKER_EXTRA_BYTES;
/** base64url without padding: 4 characters per 3 bytes. Anything longer was not made by encodeMarker. */
export const MAX_MARKER_LENGTH = Math.ceil((MAX_POSITION_JSON_BYTES * 4) / 3);

const MARKER_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_MARKER_LENGTH}}$`);

export const decodeMarker = (marker: string): ListPosition | undefined => {
  if (!MARKER_PATTERN.test(marker)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length !== 1) return undefined;
  const [[side, id]] = entries as [[string, unknown]];
  if ((side !== 'after' && side !== 'before') || typeof id !== 'string' || id === '' || utf8Length(id) > MAX_IMAGE_ID_BYTES) return undefined;
  return side === 'after' ? { after: id } : { before: id };
};

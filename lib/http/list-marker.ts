import type { ListPosition } from '../registry/image-store.ts';

/**
 * A list marker is opaque to clients: base64url of a small JSON position in the id order
 * ({"after": id} or {"before": id}). A position, not a snapshot, so a marker never expires and a
 * walk along `next` sees each image once while others are registered or removed.
 */
export const encodeMarker = (position: ListPosition | undefined): string | null =>
  position === undefined ? null : Buffer.from(JSON.stringify(position)).toString('base64url');

/** Image ids are at most 255 characters; anything longer was not made by encodeMarker. */
const MAX_ID_LENGTH = 255;

export const decodeMarker = (marker: string): ListPosition | undefined => {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(marker)) return undefined;
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
  if ((side !== 'after' && side !== 'before') || typeof id !== 'string' || id.length > MAX_ID_LENGTH) return undefined;
  return side === 'after' ? { after: id } : { before: id };
};

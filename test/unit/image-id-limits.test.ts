import { describe, expect, it } from 'vitest';
import { isWellFormedImageId } from '../../lib/catalog/image-catalog.ts';
import { openCatalog } from '../../lib/catalog/open-catalog.ts';
import { decodeMarker, encodeMarker, MAX_MARKER_LENGTH } from '../../lib/http/list-marker.ts';
import { MAX_IMAGE_ID_BYTES, utf8Length } from '../../lib/registry/image-id.ts';
import { isIdOrder, parseSortBy } from '../../lib/registry/list-order.ts';
import { MAX_TAG_LENGTH } from '../../lib/registry/tag-rules.ts';
import { keyNames, keys } from '../../lib/store/keys.ts';

/** DynamoDB's limits on key attributes, in UTF-8 bytes. */
const PARTITION_KEY_BYTES = 2048;
const SORT_KEY_BYTES = 1024;

const LONGEST_TENANT = `t${'x'.repeat(127)}`;
const LONGEST_TAG = 'a'.repeat(MAX_TAG_LENGTH);

/** Ids of exactly MAX_IMAGE_ID_BYTES bytes, in every width of UTF-8, and the id whose JSON is longest. */
const longestIds = [
  'a'.repeat(MAX_IMAGE_ID_BYTES),
  `${'é'.repeat((MAX_IMAGE_ID_BYTES - 1) / 2)}a`,
  '語'.repeat(MAX_IMAGE_ID_BYTES / 3),
  `${'😀'.repeat(Math.floor(MAX_IMAGE_ID_BYTES / 4))}abc`,
  '"'.repeat(MAX_IMAGE_ID_BYTES),
  '\\'.repeat(MAX_IMAGE_ID_BYTES),
];

describe('image ids are limited by their UTF-8 bytes', () => {
  it.each(longestIds)('accepts an id of exactly %#: MAX_IMAGE_ID_BYTES bytes', (id) => {
    expect(utf8Length(id)).toBe(MAX_IMAGE_ID_BYTES);
    expect(isWellFormedImageId(id)).toBe(true);
    expect(openCatalog.isWellFormedId(id)).toBe(true);
  });

  it('refuses an id one byte longer, however few characters it has', () => {
    expect(isWellFormedImageId('a'.repeat(MAX_IMAGE_ID_BYTES + 1))).toBe(false);
    // 64 characters, 256 bytes: under the old 255-character rule, 255 of them made a 1,026-byte sort key.
    expect(isWellFormedImageId('😀'.repeat(64))).toBe(false);
    expect(isWellFormedImageId('😀'.repeat(255))).toBe(false);
    expect(isWellFormedImageId('')).toBe(false);
  });

  it.each(longestIds)('every key holding the longest id %# fits DynamoDB', (id) => {
    const keyItems = [
      keys.image(LONGEST_TENANT, id),
      keys.imageIndex(LONGEST_TENANT, id),
      keys.tagEntry(LONGEST_TENANT, id, LONGEST_TAG),
      keys.tagEntryIndex(LONGEST_TENANT, id, LONGEST_TAG),
    ];
    for (const key of keyItems) {
      for (const [name, value] of Object.entries(key)) {
        const limit = name === keyNames.PK || name === keyNames.GSI1PK ? PARTITION_KEY_BYTES : SORT_KEY_BYTES;
        expect(utf8Length(value), name).toBeLessThanOrEqual(limit);
      }
    }
    expect(utf8Length(keys.imageSortKey(id))).toBe(MAX_IMAGE_ID_BYTES + 'IMAGE#'.length);
  });

  it.each(longestIds)('a marker after or before the longest id %#, in any order, is one the API accepts back', (id) => {
    for (const sortBy of ['id', '-id', 'name', '-created']) {
      const order = parseSortBy(sortBy)!;
      // A name of 255 characters JSON escapes to 6 bytes each: the longest sort key a marker carries.
      const key = isIdOrder(order) ? {} : { key: '\u0001'.repeat(255) };
      for (const position of [
        { after: id, ...key },
        { before: id, ...key },
      ]) {
        const marker = encodeMarker(position, order)!;
        expect(marker.length).toBeLessThanOrEqual(MAX_MARKER_LENGTH);
        expect(decodeMarker(marker)).toEqual({ position, order });
      }
    }
  });

  it('refuses a marker naming an id one byte longer, and one longer than any encodeMarker makes', () => {
    expect(decodeMarker(encodeMarker({ after: 'a'.repeat(MAX_IMAGE_ID_BYTES + 1) })!)).toBeUndefined();
    expect(decodeMarker(encodeMarker({ before: '😀'.repeat(64) })!)).toBeUndefined();
    expect(decodeMarker('A'.repeat(MAX_MARKER_LENGTH + 1))).toBeUndefined();
  });
});

/**
 * The longest image id, in UTF-8 bytes: the one constant every limit that holds an id is derived
 * from. DynamoDB limits keys by their UTF-8 bytes, not their characters, so the id is too: 255
 * characters of four bytes each would make a 1,026-byte sort key, two over DynamoDB's limit.
 *
 * Where an id goes, and why it fits (tests: test/unit/image-id-limits.test.ts):
 *
 * - Sort keys (at most 1,024 bytes): `IMAGE#<id>` (a record's SK, a tag entry's GSI1SK) is at most
 *   6 + 255 = 261 bytes.
 * - Partition keys (at most 2,048 bytes): `TENANT#<tenant>#IMAGE#<id>` (a tag entry's PK) is at
 *   most 7 + 128 + 7 + 255 = 397 bytes; `IMAGE#<id>` (a record's GSI1PK) 261.
 * - List markers (lib/http/list-marker.ts): base64url of a JSON position. JSON escaping at most
 *   doubles an id (`"` and `\` become two bytes; control characters are not allowed in ids), so
 *   the id takes at most 2 x 255 = 510 bytes of it; with the frame, the sort order and a sort key
 *   of 255 characters (6 bytes each at worst), 2,083 bytes, and markers refuse anything longer
 *   than its base64url, 2,778 characters.
 * - Paths: percent-encoded, an id takes at most 3 x 255 = 765 characters of the request line.
 */
export const MAX_IMAGE_ID_BYTES = 255;

export const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

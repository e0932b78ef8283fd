import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_ID_BYTES } from '../../lib/registry/image-id.ts';
import { v2Client } from '../support/api.ts';
import { newTenant } from '../support/fixtures.ts';

// Any well-formed id is an image on the open catalog; the handlers read this when first loaded.
process.env.REGISTRY_CATALOG = 'open';

const longestIds = [
  'a'.repeat(MAX_IMAGE_ID_BYTES),
  '語'.repeat(MAX_IMAGE_ID_BYTES / 3),
  `${'😀'.repeat(Math.floor(MAX_IMAGE_ID_BYTES / 4))}abc`,
  '"'.repeat(MAX_IMAGE_ID_BYTES),
].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe('image ids at the byte limit, through the handlers and DynamoDB', () => {
  it('registers, shows and tags ids of exactly MAX_IMAGE_ID_BYTES bytes, and pages over them with markers it accepts back', async () => {
    const api = v2Client(newTenant());
    for (const id of longestIds) {
      expect((await api.register(id, { username: 'u' })).status, id).toBe(202);
      expect((await api.replaceTags(id, ['a'.repeat(255)])).status).toBe(200);
      expect((await api.show(id)).json.image.id).toBe(id);
    }
    const seen: string[] = [];
    let answer = await api.list('limit=1');
    for (;;) {
      expect(answer.status).toBe(200);
      seen.push(...answer.json.images.map((image: { id: string }) => image.id));
      if (answer.json.markers.next === null) break;
      answer = await api.list(`limit=1&marker=${answer.json.markers.next}`);
    }
    expect(seen).toEqual(longestIds);
    const back = await api.list(`limit=1&marker=${answer.json.markers.prev}`);
    expect(back.json.images.map((image: { id: string }) => image.id)).toEqual([longestIds.at(-2)]);
    const byTag = await api.list(`tags=${'a'.repeat(255)}&limit=2`);
    expect((await api.list(`tags=${'a'.repeat(255)}&limit=2&marker=${byTag.json.markers.next}`)).json.images).toHaveLength(2);
  });

  it('answers 404 for an id one byte longer, without writing, as for any id the catalog could never know', async () => {
    const api = v2Client(newTenant());
    // 255 characters of four bytes each: a 1,026-byte sort key, which DynamoDB would refuse with a 500.
    for (const id of ['a'.repeat(MAX_IMAGE_ID_BYTES + 1), '😀'.repeat(255)]) {
      const answer = await api.register(id, { username: 'u' });
      expect(answer.status).toBe(404);
      expect(answer.json.error_name).toBe('NOT_FOUND');
      expect((await api.replaceTags(id, ['x'])).status).toBe(404);
    }
    expect((await api.list()).json.images).toEqual([]);
  });
});

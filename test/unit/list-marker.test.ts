import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { decodeMarker, encodeMarker, MAX_MARKER_LENGTH } from '../../lib/http/list-marker.ts';
import { formatIssues, listImagesQuery } from '../../lib/http/schemas.ts';
import { ID_ORDER, parseSortBy } from '../../lib/registry/list-order.ts';

const problems = (schema: z.ZodMiniType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? 'valid' : formatIssues(result.error, 'query');
};

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const order = (sortBy: string) => parseSortBy(sortBy)!;

describe('list markers', () => {
  it('round-trip a position in the id order as an opaque URL-safe string', () => {
    for (const position of [{ after: 'img#1/ü' }, { before: 'x' }]) {
      const marker = encodeMarker(position)!;
      expect(marker).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeMarker(marker)).toEqual({ position, order: ID_ORDER });
    }
    expect(encodeMarker(undefined)).toBeNull();
  });

  it('in the id order are what they always were, so markers given out before sort_by existed still work', () => {
    expect(encodeMarker({ after: 'img-1' })).toBe(encode({ after: 'img-1' }));
    expect(encodeMarker({ before: 'img-1' }, ID_ORDER)).toBe(encode({ before: 'img-1' }));
  });

  it('in any other order carry the order, the sort key and the id', () => {
    const cases = [
      { sortBy: '-created', position: { after: 'ami-1', key: '2026-03-02T09:14:05Z' } },
      { sortBy: 'name', position: { before: 'img-2', key: 'sahara spark ü' } },
      { sortBy: 'updated', position: { after: 'img-3', key: '2026-11-27T10:00:00Z' } },
      { sortBy: '-id', position: { before: 'img-4' } },
    ];
    for (const { sortBy, position } of cases) {
      const marker = encodeMarker(position, order(sortBy))!;
      expect(marker).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(JSON.parse(Buffer.from(marker, 'base64url').toString())).toEqual({ sort_by: sortBy, ...position });
      expect(decodeMarker(marker)).toEqual({ position, order: order(sortBy) });
    }
  });

  it('fit the longest id (255 UTF-8 bytes, lib/registry/image-id.ts) and the longest sort key, whatever JSON escapes in them', () => {
    for (const key of ['"'.repeat(255), '\u0001'.repeat(255), '\u{1F600}'.repeat(127)]) {
      for (const id of [`${'\u{1F600}'.repeat(63)}abc`, '"'.repeat(255)]) {
        for (const position of [
          { after: id, key },
          { before: id, key },
        ]) {
          const marker = encodeMarker(position, order('-created'))!;
          expect(marker.length).toBeLessThanOrEqual(MAX_MARKER_LENGTH);
          expect(decodeMarker(marker)).toEqual({ position, order: order('-created') });
        }
      }
    }
  });

  it('refuse what encodeMarker never makes', () => {
    for (const marker of [
      '',
      'not a marker',
      '%%%',
      encode(['a']),
      encode({}),
      encode({ after: 1 }),
      encode({ after: 'a', before: 'b' }),
      encode({ around: 'a' }),
      encode({ after: 'x'.repeat(256) }),
      // 64 characters, 256 bytes: longer than any id a key can hold.
      encode({ after: '\u{1F600}'.repeat(64) }),
      encode({ after: 'a', key: 'k' }),
      encode({ sort_by: 'id', after: 'a' }),
      encode({ sort_by: 'colour', after: 'a', key: 'k' }),
      encode({ sort_by: 'name', after: 'a' }),
      encode({ sort_by: 'name', after: 'a', key: 'k'.repeat(256) }),
      encode({ sort_by: 'name', after: 'a', key: 1 }),
      encode({ sort_by: '-id', after: 'a', key: 'a' }),
      encode({ sort_by: 'name', after: 'a', key: 'k', extra: 1 }),
      'A'.repeat(MAX_MARKER_LENGTH + 1),
      'e30',
    ]) {
      expect(decodeMarker(marker)).toBeUndefined();
    }
  });

  it('are read from the query with limit and sort_by, and a bad limit or marker is named', () => {
    const marker = encodeMarker({ after: 'img-1' })!;
    expect(listImagesQuery().parse(new URLSearchParams(`limit=10&marker=${marker}`))).toMatchObject({
      limit: 10,
      marker: { position: { after: 'img-1' }, order: ID_ORDER },
    });
    for (const limit of ['0', '1001', 'ten', '1.5', '-1', '', '00001000000']) {
      expect(problems(listImagesQuery(), new URLSearchParams({ limit }))).toBe('limit: must be a whole number from 1 to 1000');
    }
    expect(problems(listImagesQuery(), new URLSearchParams({ marker: 'nope' }))).toBe("marker: 'nope' is not a marker this service gave out");
  });

  it('must come with the sort_by they were given out for', () => {
    const newest = encodeMarker({ after: 'img-1', key: '2026-01-01T00:00:00Z' }, order('-created'))!;
    expect(listImagesQuery().parse(new URLSearchParams({ sort_by: '-created', marker: newest }))).toMatchObject({ sort_by: order('-created') });
    expect(problems(listImagesQuery(), new URLSearchParams({ marker: newest }))).toBe(
      'marker: was given out for sort_by=-created, not id; send the sort_by it came with',
    );
    expect(problems(listImagesQuery(), new URLSearchParams({ sort_by: 'created', marker: newest }))).toBe(
      'marker: was given out for sort_by=-created, not created; send the sort_by it came with',
    );
    const byId = encodeMarker({ after: 'img-1' })!;
    expect(listImagesQuery().parse(new URLSearchParams({ sort_by: 'id', marker: byId }))).toMatchObject({ sort_by: ID_ORDER });
    expect(listImagesQuery().parse(new URLSearchParams({ sort_by: '', marker: byId })).sort_by).toBeUndefined();
    expect(problems(listImagesQuery(), new URLSearchParams({ sort_by: '-id', marker: byId }))).toBe(
      'marker: was given out for sort_by=id, not -id; send the sort_by it came with',
    );
  });
});

describe('sort_by and include_deprecated', () => {
  it.each(['id', '-id', 'name', '-name', 'created', '-created', 'updated', '-updated'])('sort_by=%s is an order', (sortBy) => {
    expect(listImagesQuery().parse(new URLSearchParams({ sort_by: sortBy })).sort_by).toEqual(order(sortBy));
  });

  it.each(['colour', 'Name', '-', '--name', 'name-', 'created_at', ' name', 'name,id'])('sort_by=%j is refused, naming every order', (sortBy) => {
    expect(problems(listImagesQuery(), new URLSearchParams({ sort_by: sortBy }))).toBe(
      `sort_by: '${sortBy}' is not an order to sort by; use one of id, -id, name, -name, created, -created, updated, -updated`,
    );
  });

  it('an empty sort_by is the default order, as upstream reads it', () => {
    expect(listImagesQuery().parse(new URLSearchParams({ sort_by: '' })).sort_by).toBeUndefined();
  });

  it('include_deprecated is true or false, in any case', () => {
    expect(listImagesQuery().parse(new URLSearchParams({ include_deprecated: 'false' })).include_deprecated).toBe(false);
    expect(listImagesQuery().parse(new URLSearchParams({ include_deprecated: 'False' })).include_deprecated).toBe(false);
    expect(listImagesQuery().parse(new URLSearchParams({ include_deprecated: 'TRUE' })).include_deprecated).toBe(true);
    expect(listImagesQuery().parse(new URLSearchParams()).include_deprecated).toBeUndefined();
    for (const value of ['', 'no', '0', 'yes', 'falsey']) {
      expect(problems(listImagesQuery(), new URLSearchParams({ include_deprecated: value }))).toBe('include_deprecated: must be true or false');
    }
  });
});

import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { decodeMarker, encodeMarker } from '../../lib/http/list-marker.ts';
import { formatIssues, listImagesQuery } from '../../lib/http/schemas.ts';

const problems = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? 'valid' : formatIssues(result.error, 'query');
};

describe('list markers', () => {
  it('round-trip a position as an opaque URL-safe string', () => {
    for (const position of [{ after: 'img#1/ü' }, { before: 'x' }]) {
      const marker = encodeMarker(position)!;
      expect(marker).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeMarker(marker)).toEqual(position);
    }
    expect(encodeMarker(undefined)).toBeNull();
  });

  it('refuse what encodeMarker never makes', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
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
      'e30',
    ]) {
      expect(decodeMarker(marker)).toBeUndefined();
    }
  });

  it('are read from the query with limit, and a bad limit or marker is named', () => {
    const marker = encodeMarker({ after: 'img-1' })!;
    expect(listImagesQuery.parse(new URLSearchParams(`limit=10&marker=${marker}`))).toMatchObject({ limit: 10, marker: { after: 'img-1' } });
    for (const limit of ['0', '1001', 'ten', '1.5', '-1', '', '00001000000']) {
      expect(problems(listImagesQuery, new URLSearchParams({ limit }))).toBe('limit: must be a whole number from 1 to 1000');
    }
    expect(problems(listImagesQuery, new URLSearchParams({ marker: 'nope' }))).toBe("marker: 'nope' is not a marker this service gave out");
  });
});

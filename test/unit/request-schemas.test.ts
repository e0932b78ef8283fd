import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { formatIssues, listImagesQuery, registerImageBody, tagsBody } from '../../lib/http/schemas.ts';

const problems = (schema: z.ZodMiniType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? 'valid' : formatIssues(result.error);
};

describe('request schemas', () => {
  it('accepts a registration with and without a description', () => {
    expect(registerImageBody().parse({ username: 'ubuntu' })).toEqual({ username: 'ubuntu' });
    expect(registerImageBody().parse({ username: 'ubuntu', description: '' })).toEqual({ username: 'ubuntu', description: '' });
  });

  it.each([
    [{}, 'username: is required'],
    [{ username: '' }, 'username: must not be empty'],
    [{ username: 'a'.repeat(256) }, 'username: must be at most 255 characters'],
    [{ username: 'ubu\ntu' }, 'username: must contain printable characters only'],
    [{ username: 42 }, 'username: must be a string of 1-255 printable characters'],
    [{ username: null }, 'username: must be a string of 1-255 printable characters'],
    [{ username: 'u', description: 'd'.repeat(1025) }, 'description: must be at most 1024 characters'],
    [{ username: 'u', extra: 1 }, "request body: unknown field 'extra'"],
    [[], 'request body: must be a JSON object'],
    [null, 'request body: must be a JSON object'],
    ['text', 'request body: must be a JSON object'],
  ])('refuses registration %j with "%s"', (body, message) => {
    expect(problems(registerImageBody(), body)).toBe(message);
  });

  it('accepts a description of printable text on several lines, with tabs', () => {
    const description = 'Spark 3.5 on Ubuntu 22.04\n\tHadoop 3.3, Java 17 — ready for «sahara» 🐘';
    expect(registerImageBody().parse({ username: 'u', description })).toEqual({ username: 'u', description });
  });

  it.each([
    ['an escape sequence', 'ok\u001b[2J\u001b[31mrm -rf'],
    ['a carriage return', 'safe\rdanger'],
    ['a bidi override', 'user\u202Egnp.exe'],
    ['a bidi isolate', 'a\u2066b\u2069'],
    ['a zero-width format character', 'a\u200Bb'],
    ['a NUL', 'a\u0000b'],
    ['DEL', 'a\u007Fb'],
    ['a lone surrogate', 'a\uD800b'],
    ['a private-use character', 'a\uE000b'],
  ])('refuses a description with %s', (_what, description) => {
    expect(problems(registerImageBody(), { username: 'u', description })).toBe('description: must contain printable characters, newlines and tabs only');
  });

  it('names the position and value of each invalid tag', () => {
    expect(problems(tagsBody(), { tags: ['ok', 'bad tag', 7] })).toBe("tags[1]: 'bad tag' is not a valid tag; tags[2]: must be a string");
    expect(problems(tagsBody(), { tags: ['a'.repeat(300)] })).toBe('tags[0]: is longer than 255 characters');
  });

  it('refuses a tags body without an array of tags', () => {
    expect(problems(tagsBody(), {})).toBe('tags: is required');
    expect(problems(tagsBody(), { tags: 'spark' })).toBe('tags: must be an array of strings');
    expect(problems(tagsBody(), { tags: [], more: 1 })).toBe("request body: unknown field 'more'");
  });

  it('reads repeated tags and a name from the query, keeping commas inside a tag', () => {
    expect(listImagesQuery().parse(new URLSearchParams('tags=spark&tags=3.5,x&name=ubu&other=1'))).toEqual({
      tags: ['spark', '3.5,x'],
      name: 'ubu',
    });
    expect(listImagesQuery().parse(new URLSearchParams(''))).toEqual({ tags: [] });
  });

  it('refuses a query naming more than 20 tags', () => {
    const query = new URLSearchParams(Array.from({ length: 21 }, (_, i): [string, string] => ['tags', `t${i}`]));
    expect(problems(listImagesQuery(), query)).toBe('tags: may name at most 20 tags');
  });
});

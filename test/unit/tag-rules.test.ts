import { describe, expect, it } from 'vitest';
import { diffTags, isValidTag, normalizeTags } from '../../lib/registry/tag-rules.ts';

describe('tag rules', () => {
  it.each(['spark', '3.5', 'a', '1', 'vanilla-2.7.1', 'a_b', 'x.y.z', 'CDH', 'a-b_c.d-e', 'a'.repeat(255)])(
    'accepts %j, which upstream valid_tag accepts',
    (tag) => expect(isValidTag(tag)).toBe(true),
  );

  it.each([
    ['empty', ''],
    ['space inside', 'bad tag'],
    ['leading dash', '-spark'],
    ['trailing underscore', 'spark_'],
    ['empty label', 'a..b'],
    ['leading dot', '.a'],
    ['trailing dot', 'a.'],
    ['comma', 'a,b'],
    ['slash', 'a/b'],
    ['trailing newline (upstream lets it through)', 'abc\n'],
    ['unicode letter', 'spärk'],
    ['longer than 255', 'a'.repeat(256)],
  ])('refuses a tag with %s', (_why, tag) => expect(isValidTag(tag)).toBe(false));

  it('normalizes a tag set to sorted, duplicate-free form', () => {
    expect(normalizeTags(['spark', '3.5', 'spark', 'a'])).toEqual(['3.5', 'a', 'spark']);
  });

  it('diffs two tag sets into what to add and what to remove', () => {
    expect(diffTags(['a', 'b', 'c'], ['c', 'd', 'a'])).toEqual({ next: ['a', 'c', 'd'], added: ['d'], removed: ['b'] });
    expect(diffTags(['a'], ['a'])).toEqual({ next: ['a'], added: [], removed: [] });
  });
});

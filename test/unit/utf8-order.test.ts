import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8 } from '../../lib/registry/utf8-order.ts';

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('UTF-8 order without encoding', () => {
  it('orders any two well-formed strings as their UTF-8 bytes do (DynamoDB order)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(byBytes(a, b));
      }),
      { numRuns: 5_000 },
    );
  });

  it('puts a code point above U+FFFF after U+E000-U+FFFF, where UTF-16 units would not', () => {
    const [privateUse, replacement, emoji, cjk] = ['\u{e000}', '\u{fffd}', '\u{1f600}', '\u{4e00}'];
    const sorted = [emoji, replacement, 'a', cjk, privateUse, 'ab'].sort(compareUtf8);
    expect(sorted).toEqual(['a', 'ab', cjk, privateUse, replacement, emoji]);
    expect(sorted).toEqual([emoji, replacement, 'a', cjk, privateUse, 'ab'].sort(byBytes));
  });
});

/**
 * Compares two strings in the order of their UTF-8 bytes, which is DynamoDB's order of string keys
 * and the order of code points, without encoding them: sorting thousands of images encoded two
 * strings per comparison. UTF-16 code units already follow code points, except that a surrogate
 * (half of a code point above U+FFFF) is below U+E000-U+FFFF as a code unit and above it as a code
 * point: at the first unit that differs, surrogates are moved above that range.
 */
export const compareUtf8 = (a: string, b: string): number => {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
};

/** U+0000-U+D7FF stay; U+E000-U+FFFF move down by 0x800; surrogates (U+D800-U+DFFF) move above them. */
const codePointRank = (unit: number): number => (unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800);

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptsGzip } from '../../lib/http/accept-encoding.ts';
import { bytesInResult, bytesInResultAtMost } from '../../lib/http/answer-size.ts';

describe('Accept-Encoding: may the answer be gzip-compressed?', () => {
  it.each([
    'gzip, deflate', // python-saharaclient, the openstack CLI (requests)
    'gzip, deflate, br, zstd', // fetch, browsers
    'gzip',
    'GZIP',
    'x-gzip',
    'deflate, gzip;q=0.5',
    'br;q=1.0, gzip;q=0.001',
    '*',
    'identity;q=1, *;q=0.5',
    'gzip;q=0, gzip;q=1',
  ])('yes for %j', (header) => {
    expect(acceptsGzip(header)).toBe(true);
  });

  it.each([undefined, '', 'identity', 'deflate', 'br', 'gzip;q=0', 'gzip; q=0.000', '*;q=0', 'gzip;q=0, *', 'gzipped', 'identity, *;q=0'])(
    'no for %j',
    (header) => {
      expect(acceptsGzip(header)).toBe(false);
    },
  );
});

describe('the bytes an answer takes in the Lambda result', () => {
  it('are its UTF-8 bytes and one more for each quote and backslash, as JSON.stringify of the result makes them', () => {
    for (const body of ['{}', JSON.stringify({ images: [{ id: 'a"b\\c', description: 'é語😀\n\t"' }] }), JSON.stringify('"'.repeat(1000))]) {
      expect(bytesInResult(body)).toBe(Buffer.byteLength(JSON.stringify(body)) - 2);
    }
  });

  it('are never more than the bound made from the value, and exactly the bound where no string holds a quote or a backslash', () => {
    // A string JSON writes as it is: no quote, backslash or control character to escape.
    const plainString = fc.string().filter((text) => JSON.stringify(text) === `"${text}"`);
    const plainValue = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        plainString,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value')),
        fc.dictionary(plainString, tie('value')),
      ),
    })).value;
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = JSON.stringify(value);
        expect(bytesInResultAtMost(json, Buffer.byteLength(json), value)).toBeGreaterThanOrEqual(bytesInResult(json));
      }),
    );
    fc.assert(
      fc.property(plainValue, (value) => {
        const json = JSON.stringify(value);
        expect(bytesInResultAtMost(json, Buffer.byteLength(json), value)).toBe(bytesInResult(json));
      }),
    );
  });

  it('bound an answer with what JSON.stringify leaves out or turns into something else', () => {
    const value = { kept: 'a\\"b', gone: undefined, call: () => 1, when: new Date(0), list: [undefined, 'x'], nested: { toJSON: () => ['"'] } };
    const json = JSON.stringify(value);
    expect(bytesInResultAtMost(json, Buffer.byteLength(json), value)).toBeGreaterThanOrEqual(bytesInResult(json));
  });
});

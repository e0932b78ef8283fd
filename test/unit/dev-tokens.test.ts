import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDevToken, parseDevTokens } from '../../infra/local/dev-tokens.ts';

describe('REGISTRY_DEV_TOKENS', () => {
  it('gives a token both scopes unless it is marked read-only with :read', () => {
    expect(parseDevTokens('a=alice, b=bob:read')).toEqual([
      { token: 'a', tenant: 'alice' },
      { token: 'b', tenant: 'bob', readOnly: true },
    ]);
  });

  it('refuses a read-only mark without a tenant', () => {
    expect(() => parseDevTokens('a=:read')).toThrow(/'a=:read' is not token=tenant or token=tenant:read/);
  });
});

describe('the development token file', () => {
  const withTokenFile = (content: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-token-'));
    writeFileSync(join(dir, 'dev-token.json'), content);
    return dir;
  };

  it('is made at first start and read back at the next', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-token-'));
    const first = defaultDevToken(dir);
    expect(first.token).toMatch(/^[0-9a-f]{40}$/);
    expect(defaultDevToken(dir)).toEqual(first);
  });

  it.each([
    ['empty', ''],
    ['not JSON', 'token=abc'],
    ['not an object', '"abc"'],
    ['without a token', '{"tenant": "alice"}'],
    ['with an empty token', '{"token": "", "tenant": "alice"}'],
    ['with a token of spaces', '{"token": "a b", "tenant": "alice"}'],
    ['with an empty tenant', '{"token": "abc", "tenant": ""}'],
    ['with a tenant holding #', '{"token": "abc", "tenant": "a#b"}'],
    ['with an unknown field', '{"token": "abc", "tenant": "alice", "admin": true}'],
  ])('is refused when %s, with a message saying how to get a new one', (_what, content) => {
    expect(() => defaultDevToken(withTokenFile(content))).toThrow(/dev-token\.json is not [\s\S]*Delete it, and npm start makes a new token/i);
  });
});

describe('REGISTRY_DEV_TOKENS refuses', () => {
  it.each([
    ['a token with a space', 'a b=alice', /a token is 1-512 visible ASCII characters/],
    ['a tenant with #', 'a=al#ice', /'al#ice' is not a tenant/],
    ['a token without a tenant', 'a=', /'a=' is not token=tenant/],
    ['a tenant without a token', '=alice', /'=alice' is not token=tenant/],
  ])('%s', (_what, setting, message) => {
    expect(() => parseDevTokens(setting)).toThrow(message);
  });
});

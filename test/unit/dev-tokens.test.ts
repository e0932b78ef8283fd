import { describe, expect, it } from 'vitest';
import { parseDevTokens } from '../../infra/local/dev-tokens.ts';

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

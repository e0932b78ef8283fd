import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevToken {
  readonly token: string;
  readonly tenant: string;
  /** A read-only token carries the read scope only; every other token carries read and write. */
  readonly readOnly?: boolean;
}

const READ_ONLY_SUFFIX = ':read';

/** REGISTRY_DEV_TOKENS: `tokenA=tenantA,tokenB=tenantB:read` (`:read`: a read-only token). */
export const parseDevTokens = (setting: string): DevToken[] => {
  const tokens = setting
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const [token, value, ...rest] = pair.split('=').map((part) => part.trim());
      const readOnly = value?.endsWith(READ_ONLY_SUFFIX) ?? false;
      const tenant = readOnly ? value!.slice(0, -READ_ONLY_SUFFIX.length) : value;
      if (!token || !tenant || rest.length > 0) {
        throw new Error(`REGISTRY_DEV_TOKENS: '${pair}' is not token=tenant or token=tenant:read`);
      }
      return readOnly ? { token, tenant, readOnly } : { token, tenant };
    });
  if (tokens.length === 0) throw new Error('REGISTRY_DEV_TOKENS is set but names no token');
  return tokens;
};

const newToken = (): DevToken => ({ token: randomBytes(20).toString('hex'), tenant: randomBytes(16).toString('hex') });

/**
 * With no REGISTRY_DEV_TOKENS, one token for one tenant; kept beside the data so that a restart
 * shows the same tenant's images again.
 */
export const defaultDevToken = (dataDir: string | undefined): DevToken => {
  if (dataDir === undefined) return newToken();
  const file = join(dataDir, 'dev-token.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevToken;
  const token = newToken();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(token, null, 2)}\n`, { mode: 0o600 });
  return token;
};

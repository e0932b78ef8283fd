import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { isValidTenant } from '../../lib/tenant-id.ts';

export interface DevToken {
  readonly token: string;
  readonly tenant: string;
  /** A read-only token carries the read scope only; every other token carries read and write. */
  readonly readOnly?: boolean;
}

const READ_ONLY_SUFFIX = ':read';

/** A token travels as a header value: visible ASCII, no spaces, and never empty (an empty header must match nothing). */
const TOKEN_PATTERN = /^[\x21-\x7E]{1,512}$/;

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
      if (!TOKEN_PATTERN.test(token)) throw new Error(`REGISTRY_DEV_TOKENS: in '${pair}', a token is 1-512 visible ASCII characters without spaces`);
      if (!isValidTenant(tenant)) throw new Error(`REGISTRY_DEV_TOKENS: in '${pair}', '${tenant}' is not a tenant (letters, digits and . _ : @ -)`);
      return readOnly ? { token, tenant, readOnly } : { token, tenant };
    });
  if (tokens.length === 0) throw new Error('REGISTRY_DEV_TOKENS is set but names no token');
  return tokens;
};

const devTokenFile = z.strictObject({
  token: z.string().regex(TOKEN_PATTERN, 'must be 1-512 visible ASCII characters without spaces'),
  tenant: z.string().refine(isValidTenant, 'must be a tenant: letters, digits and . _ : @ -'),
  readOnly: z.boolean().optional(),
});

const newToken = (): DevToken => ({ token: randomBytes(20).toString('hex'), tenant: randomBytes(16).toString('hex') });

/** The token kept in `file`; a file that is not one is refused, never read as a token that could match an empty header. */
const readDevTokenFile = (file: string): DevToken => {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}); delete it, and npm start makes a new token`);
  }
  const result = devTokenFile.safeParse(content);
  if (!result.success) throw new Error(`${file} is not a development token:\n${z.prettifyError(result.error)}\nDelete it, and npm start makes a new token`);
  return result.data;
};

/**
 * With no REGISTRY_DEV_TOKENS, one token for one tenant; kept beside the data so that a restart
 * shows the same tenant's images again.
 */
export const defaultDevToken = (dataDir: string | undefined): DevToken => {
  if (dataDir === undefined) return newToken();
  const file = join(dataDir, 'dev-token.json');
  if (existsSync(file)) return readDevTokenFile(file);
  const token = newToken();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(token, null, 2)}\n`, { mode: 0o600 });
  return token;
};

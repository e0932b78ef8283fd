/**
 * The OAuth scopes the API requires: a read scope for reads, a write scope for changes (each
 * operation's `access` in lib/routes.ts). The JWT authorizer checks them in AWS, the local front on
 * its development tokens, and the functions once more (lib/http/caller-identity.ts).
 */
export interface AccessScopes {
  readonly read: string;
  readonly write: string;
}

/** Cognito-style resource-server scopes; override with the readScope / writeScope context keys. */
export const DEFAULT_ACCESS_SCOPES: AccessScopes = { read: 'image-registry/read', write: 'image-registry/write' };

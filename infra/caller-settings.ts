import { type AccessScopes, DEFAULT_ACCESS_SCOPES } from '../lib/access-scopes.ts';
import {
  type ClientTenants,
  clientTenantsJson,
  parseClientTenants,
  parseServiceCallers,
  type ServiceCallers,
  serviceCallersJson,
} from '../lib/caller-mappings.ts';

/** Who may call besides user tokens, and whether the stack makes the identity provider (docs/callers.md). */
export interface CallerSettings {
  /** IAM roles that call the service API, each with its tenant and access (context `serviceCallers`). */
  readonly serviceCallers?: ServiceCallers;
  /** OAuth clients whose tokens name no tenant, each with its tenant (context `clientTenants`). */
  readonly clientTenants?: ClientTenants;
  /** With context `userPool=create`: a Cognito user pool is made and trusted instead of `jwtIssuer`. */
  readonly userPool?: { readonly domainPrefix?: string };
}

/**
 * Reads `serviceCallers`, `clientTenants`, `userPool` and `userPoolDomain` from the context; a
 * malformed value fails the synth with a message naming the entry.
 */
export const callerSettingsFromContext = (context: (key: string) => unknown): CallerSettings => {
  const text = (key: string) => {
    const value = context(key);
    return typeof value === 'string' ? value.trim() : undefined;
  };
  const userPool = text('userPool');
  if (userPool && userPool !== 'create') throw new Error(`userPool must be 'create' (the stack makes a Cognito user pool) or absent, not '${userPool}'`);
  if (userPool && text('jwtIssuer')) throw new Error('Give either jwtIssuer (an issuer of yours) or userPool=create (one the stack makes), not both');
  const domainPrefix = text('userPoolDomain');
  if (domainPrefix && !userPool) throw new Error('userPoolDomain is only read with -c userPool=create');
  return {
    serviceCallers: parseServiceCallers(context('serviceCallers')),
    clientTenants: parseClientTenants(context('clientTenants')),
    ...(userPool ? { userPool: domainPrefix ? { domainPrefix } : {} } : {}),
  };
};

/**
 * Lambda allows 4 KB for a function's whole environment. The mappings get at most 3 KB of it, so
 * the other settings keep their room: about 35 service callers with short role ARNs.
 */
export const CALLER_ENVIRONMENT_BUDGET = 3 * 1024;

/** What the functions read to tell callers apart (lib/http/caller-identity.ts). */
export const callerEnvironment = ({ serviceCallers, clientTenants }: CallerSettings, scopes: AccessScopes = DEFAULT_ACCESS_SCOPES) => {
  const mappings = {
    ...(serviceCallers?.size ? { REGISTRY_SERVICE_CALLERS: serviceCallersJson(serviceCallers) } : {}),
    ...(clientTenants?.size ? { REGISTRY_CLIENT_TENANTS: clientTenantsJson(clientTenants) } : {}),
  };
  const size = Object.entries(mappings).reduce((total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
  if (size > CALLER_ENVIRONMENT_BUDGET) {
    throw new Error(
      `serviceCallers and clientTenants take ${size} bytes of the functions' environment, over the ${CALLER_ENVIRONMENT_BUDGET} bytes ` +
        "they may use of Lambda's 4 KB: name fewer callers (one role per service and tenant), or shorter role names and paths",
    );
  }
  return { READ_SCOPE: scopes.read, WRITE_SCOPE: scopes.write, ...mappings };
};

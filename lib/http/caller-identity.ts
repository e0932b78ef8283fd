import { type AccessScopes, DEFAULT_ACCESS_SCOPES } from '../access-scopes.ts';
import { type Access, type ClientTenants, parseClientTenants, parseServiceCallers, type ServiceCallers } from '../caller-mappings.ts';
import { roleKey, roleOfCaller } from '../iam-role.ts';
import { isValidTenant } from '../tenant-id.ts';
import { apiErrors, HttpError } from './api-errors.ts';
import type { ApiEvent } from './api-types.ts';

/** How the functions tell who is calling; the stack sets it in their environment (docs/callers.md). */
export interface CallerSettings {
  /** The claim naming a token's tenant. */
  readonly tenantClaim: string;
  readonly scopes: AccessScopes;
  readonly serviceCallers: ServiceCallers;
  readonly clientTenants: ClientTenants;
}

export const callerSettingsFromEnv = (env: NodeJS.ProcessEnv = process.env): CallerSettings => ({
  tenantClaim: env.TENANT_CLAIM || 'tenant_id',
  scopes: { read: env.READ_SCOPE || DEFAULT_ACCESS_SCOPES.read, write: env.WRITE_SCOPE || DEFAULT_ACCESS_SCOPES.write },
  serviceCallers: parseServiceCallers(env.REGISTRY_SERVICE_CALLERS, 'REGISTRY_SERVICE_CALLERS'),
  clientTenants: parseClientTenants(env.REGISTRY_CLIENT_TENANTS, 'REGISTRY_CLIENT_TENANTS'),
});

/** Who is calling: the tenant it acts for and what it may do there. */
export interface Caller {
  readonly tenant: string;
  readonly may: ReadonlySet<Access>;
  /** Says what refused it, in a refusal's message: a role, a client, a token. */
  refusal(access: Access): HttpError;
}

const READ_ONLY: ReadonlySet<Access> = new Set(['read']);
const READ_WRITE: ReadonlySet<Access> = new Set(['read', 'write']);

type Authorizer = ApiEvent['requestContext']['authorizer'];

/**
 * The caller of a request, from what the authorizer vouched for and nothing else. A signed (IAM)
 * caller is a role of serviceCallers. A token names its tenant in the tenant claim or, naming none,
 * is a machine client of clientTenants; its scopes are what it may do, checked here as well as by
 * the authorizer. Anyone else is refused.
 */
export const identifyCaller = (authorizer: Authorizer | undefined, settings: CallerSettings): Caller =>
  authorizer?.iam ? serviceCaller(authorizer.iam.userArn, settings.serviceCallers) : tokenCaller(authorizer?.jwt, settings);

const serviceCaller = (userArn: string | undefined, callers: ServiceCallers): Caller => {
  const arn = String(userArn ?? '').slice(0, 300);
  const role = roleOfCaller(arn);
  if (!role) throw new HttpError(apiErrors.unknownCaller, `The caller ${arn} is not an IAM role; service callers call with a role of serviceCallers`);
  const caller = callers.get(roleKey(role));
  if (!caller)
    throw new HttpError(apiErrors.unknownCaller, `The role ${role.name} of account ${role.account} (${arn}) is not a service caller of this registry`);
  return {
    tenant: caller.tenant,
    may: caller.access === 'write' ? READ_WRITE : READ_ONLY,
    refusal: () => new HttpError(apiErrors.readOnlyCaller, `The service caller ${caller.roleArn} may read only`),
  };
};

type Jwt = NonNullable<Authorizer['jwt']>;

const tokenCaller = (jwt: Jwt | undefined, settings: CallerSettings): Caller => {
  const claims = jwt?.claims ?? {};
  const scopes = scopesOf(jwt);
  const may = new Set((['read', 'write'] as const).filter((access) => scopes.has(settings.scopes[access])));
  const refusal = (access: Access) => new HttpError(apiErrors.missingScope, `The token lacks the '${settings.scopes[access]}' scope this request needs`);
  // A token naming its tenant keeps it, whatever its client.
  const claimed = claims[settings.tenantClaim];
  if (claimed !== undefined) {
    const tenant = typeof claimed === 'string' || typeof claimed === 'number' ? String(claimed) : '';
    if (!isValidTenant(tenant)) throw new HttpError(apiErrors.unauthorized, 'Authentication required: a valid token naming a tenant');
    return { tenant, may, refusal };
  }
  const clientId = claims.client_id;
  if (typeof clientId !== 'string' || clientId === '') throw new HttpError(apiErrors.unauthorized, 'Authentication required: a valid token naming a tenant');
  const tenant = settings.clientTenants.get(clientId);
  if (tenant === undefined) {
    throw new HttpError(apiErrors.unknownCaller, `The token names no tenant and its client '${clientId.slice(0, 128)}' is not mapped to one`);
  }
  return { tenant, may, refusal };
};

/** The token's scopes: API Gateway's list, and the `scope` (space-separated) or `scp` claim it was read from. */
const scopesOf = (jwt: Jwt | undefined) => {
  const scopes = new Set(Array.isArray(jwt?.scopes) ? jwt.scopes : []);
  for (const claim of [jwt?.claims?.scope, jwt?.claims?.scp]) {
    // API Gateway hands array claims over as one string, "[a b]".
    const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.replace(/^\[|\]$/g, '').split(/[\s,]+/) : [];
    for (const value of values) if (value) scopes.add(value);
  }
  return scopes;
};

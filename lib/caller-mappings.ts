/**
 * Machine callers and the tenants they act for: `serviceCallers` (an IAM role to a tenant and an
 * access) and `clientTenants` (an OAuth client id to a tenant). One format everywhere: the CDK
 * context (checked at synth), `npm start`'s REGISTRY_SERVICE_CALLERS, and the functions'
 * environment. A malformed entry is refused with a message naming it.
 */
import type { AccessScopes } from './access-scopes.ts';
import { parseRoleArn, roleKey } from './iam-role.ts';
import { isValidTenant, TENANT_RULE } from './tenant-id.ts';

export type Access = keyof AccessScopes;

interface ServiceCaller {
  readonly roleArn: string;
  readonly tenant: string;
  readonly access: Access;
}

/** By roleKey(): a role's sessions find it whatever the role's path. */
export type ServiceCallers = ReadonlyMap<string, ServiceCaller>;

/** OAuth client id to tenant. */
export type ClientTenants = ReadonlyMap<string, string>;

// Client ids are opaque; Cognito's are 1-128 word characters, others printable ASCII without spaces.
const CLIENT_ID = /^[\x21-\x7e]{1,256}$/;

const shown = (value: unknown) => (value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value)).slice(0, 100));

/** A JSON object, given as JSON text (context -c, the environment) or already parsed (cdk.json); nothing is {}. */
const objectOf = (setting: unknown, name: string, example: string): Record<string, unknown> => {
  let value = setting;
  if (typeof setting === 'string') {
    if (setting.trim() === '') return {};
    try {
      value = JSON.parse(setting);
    } catch (error) {
      throw new Error(`${name} is not valid JSON (${(error as Error).message}); expected ${example}`);
    }
  }
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${name} must be a JSON object, ${example}, not ${shown(value)}`);
  return value as Record<string, unknown>;
};

const CALLERS_EXAMPLE = '{"arn:aws:iam::123456789012:role/name": {"tenant": "...", "access": "read" | "write"}}';

export const parseServiceCallers = (setting: unknown, name = 'serviceCallers'): ServiceCallers => {
  const callers = new Map<string, ServiceCaller>();
  for (const [roleArn, entry] of Object.entries(objectOf(setting, name, CALLERS_EXAMPLE))) {
    const where = `${name}: '${roleArn.slice(0, 300)}'`;
    const role = parseRoleArn(roleArn);
    if (!role) throw new Error(`${where} is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error(`${where} must map to {"tenant": "...", "access": "read" | "write"}, not ${shown(entry)}`);
    }
    const { tenant, access, ...rest } = entry as Record<string, unknown>;
    const [unknown] = Object.keys(rest);
    if (unknown !== undefined) throw new Error(`${where}: unknown field '${unknown}'; an entry is {"tenant", "access"}`);
    if (typeof tenant !== 'string' || !isValidTenant(tenant)) throw new Error(`${where}: tenant ${shown(tenant)} is not a valid tenant (${TENANT_RULE})`);
    if (access !== 'read' && access !== 'write') throw new Error(`${where}: access must be "read" or "write", not ${shown(access)}`);
    const key = roleKey(role);
    const twin = callers.get(key);
    if (twin) throw new Error(`${where} is the same role as '${twin.roleArn}': a role is known by account and name, its path is not in a caller's identity`);
    callers.set(key, { roleArn, tenant, access });
  }
  return callers;
};

export const parseClientTenants = (setting: unknown, name = 'clientTenants'): ClientTenants => {
  const tenants = new Map<string, string>();
  for (const [clientId, tenant] of Object.entries(objectOf(setting, name, '{"<client id>": "<tenant>"}'))) {
    const where = `${name}: '${clientId.slice(0, 300)}'`;
    if (!CLIENT_ID.test(clientId)) throw new Error(`${where} is not a client id (1-256 printable characters, no spaces)`);
    if (typeof tenant !== 'string' || !isValidTenant(tenant)) throw new Error(`${where}: tenant ${shown(tenant)} is not a valid tenant (${TENANT_RULE})`);
    tenants.set(clientId, tenant);
  }
  return tenants;
};

/** The compact JSON the functions read back with the parsers above. */
export const serviceCallersJson = (callers: ServiceCallers) =>
  JSON.stringify(Object.fromEntries([...callers.values()].map(({ roleArn, tenant, access }) => [roleArn, { tenant, access }])));

export const clientTenantsJson = (tenants: ClientTenants) => JSON.stringify(Object.fromEntries(tenants));

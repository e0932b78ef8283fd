import { randomBytes } from 'node:crypto';
import type { Access } from '../../lib/caller-mappings.ts';

/**
 * Service callers (IAM roles) and machine clients (OAuth client ids) for one test file. The
 * functions read their mappings once, when first loaded, so the mappings are fixed before any
 * handler is imported (test-env.ts puts them in the environment) and tests draw fresh tenants from
 * these pools, as newTenant() draws token tenants. Every test file gets its own tenants.
 */
const RUN = randomBytes(6).toString('hex');
const POOL_SIZE = 200;

export const TEST_ACCOUNT = '111122223333';

export interface ServiceTenant {
  readonly tenant: string;
  /** Role ARNs with a path, as operators write them; the callers' sessions carry no path. */
  readonly writerRole: string;
  readonly readerRole: string;
}

export interface ClientTenant {
  readonly tenant: string;
  readonly clientId: string;
}

const serviceTenants: ServiceTenant[] = Array.from({ length: POOL_SIZE }, (_, i) => ({
  tenant: `svc-${RUN}-${i}`,
  writerRole: `arn:aws:iam::${TEST_ACCOUNT}:role/registry/Writer-${RUN}-${i}`,
  readerRole: `arn:aws:iam::${TEST_ACCOUNT}:role/registry/reader-${RUN}-${i}`,
}));
const clientTenants: ClientTenant[] = Array.from({ length: POOL_SIZE }, (_, i) => ({ tenant: `cli-${RUN}-${i}`, clientId: `client${RUN}${i}` }));

/** REGISTRY_SERVICE_CALLERS and REGISTRY_CLIENT_TENANTS for the pools. */
export const machineCallerEnv = () => ({
  REGISTRY_SERVICE_CALLERS: JSON.stringify(
    Object.fromEntries(
      serviceTenants.flatMap(({ tenant, writerRole, readerRole }) => [
        [writerRole, { tenant, access: 'write' satisfies Access }],
        [readerRole, { tenant, access: 'read' satisfies Access }],
      ]),
    ),
  ),
  REGISTRY_CLIENT_TENANTS: JSON.stringify(Object.fromEntries(clientTenants.map(({ clientId, tenant }) => [clientId, tenant]))),
});

let nextService = 0;
let nextClient = 0;

/** A tenant only its two roles (one writer, one reader) act for. */
export const newServiceTenant = (): ServiceTenant => {
  const drawn = serviceTenants[nextService++];
  if (!drawn) throw new Error(`test/support/machine-callers.ts: more than ${POOL_SIZE} service tenants in one test file; raise POOL_SIZE`);
  return drawn;
};

/** A tenant only one OAuth client acts for. */
export const newClientTenant = (): ClientTenant => {
  const drawn = clientTenants[nextClient++];
  if (!drawn) throw new Error(`test/support/machine-callers.ts: more than ${POOL_SIZE} client tenants in one test file; raise POOL_SIZE`);
  return drawn;
};

/** The session ARN API Gateway reports for a role's caller: the role's name, no path. */
export const assumedRoleArn = (roleArn: string, session = 'test-session') => {
  const [, partition, account, name] = /^arn:([^:]+):iam::(\d+):role\/(?:.*\/)?([^/]+)$/.exec(roleArn)!;
  return `arn:${partition}:sts::${account}:assumed-role/${name}/${session}`;
};

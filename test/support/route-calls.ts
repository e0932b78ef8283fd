import { type Operation, operations, type Route } from '../../lib/routes.ts';
import type { ApiCall } from './api.ts';

/** A body each known operation accepts; an operation added later gets `{}` until listed here. */
const sampleBodies: Record<string, unknown> = {
  'register-image': { username: 'intruder', description: 'written by another tenant' },
  'tag-image': { tags: ['intruder'] },
  'untag-image': { tags: ['spark'] },
};

export interface RouteCall extends Route {
  readonly operation: Operation;
  /** The call of this route on `tenant`'s path (where it has one) and `imageId` in every other parameter. */
  call(tenant: string, imageId: string): Omit<ApiCall, 'tenant'>;
}

/** Every route of the route table, with a way to call it; tests iterate this so new routes are covered. */
export const routeCalls = (): RouteCall[] =>
  (operations as readonly Operation[]).flatMap((operation) =>
    operation.routes.map((route) => ({
      ...route,
      operation,
      call: (tenant: string, imageId: string) => ({
        method: route.method,
        path: route.path.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(name === 'tenant_id' ? tenant : imageId)),
        body: route.method === 'GET' || route.method === 'DELETE' ? undefined : (sampleBodies[operation.name] ?? {}),
      }),
    })),
  );

export const routesWithTenantInPath = () => routeCalls().filter((route) => route.path.includes('{tenant_id}'));

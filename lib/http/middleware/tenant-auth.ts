import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Access } from '../../caller-mappings.ts';
import { apiErrors, HttpError } from '../api-errors.ts';
import type { ApiEvent, ApiResult } from '../api-types.ts';
import { type CallerSettings, identifyCaller } from '../caller-identity.ts';

/**
 * The tenant comes from the caller the authorizer vouched for and nowhere else
 * (lib/http/caller-identity.ts). A caller that may not do what the route does, or a path tenant
 * (v1.1) that is not the caller's, is refused before anything is read.
 */
export const tenantAuth = ({ settings, access }: { settings: CallerSettings; access: Access }): MiddlewareObj<ApiEvent, ApiResult, Error, Context> => ({
  before: ({ event }) => {
    const caller = identifyCaller(event.requestContext?.authorizer, settings);
    if (!caller.may.has(access)) throw caller.refusal(access);
    const pathTenant = event.pathParameters?.tenant_id;
    if (pathTenant !== undefined && pathTenant !== caller.tenant) {
      throw new HttpError(apiErrors.tenantMismatch, `The caller does not have access to tenant '${pathTenant.slice(0, 64)}'`);
    }
    event.tenant = caller.tenant;
  },
});

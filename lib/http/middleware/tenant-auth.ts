import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { apiErrors, HttpError } from '../api-errors.ts';
import type { ApiEvent, ApiResult } from '../api-types.ts';

// Tenants are part of every key; refusing '#' keeps keys unambiguous (lib/store/keys.ts).
export const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/**
 * The tenant comes from the authorizer's claims and nowhere else. A path tenant (v1.1) that is
 * not the token's is refused before anything is read.
 */
export const tenantAuth = ({ claim }: { claim: string }): MiddlewareObj<ApiEvent, ApiResult, Error, Context> => ({
  before: ({ event }) => {
    const value = event.requestContext?.authorizer?.jwt?.claims?.[claim];
    const tenant = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
    if (tenant === undefined || !TENANT_PATTERN.test(tenant)) {
      throw new HttpError(apiErrors.unauthorized, 'Authentication required: a valid token naming a tenant');
    }
    const pathTenant = event.pathParameters?.tenant_id;
    if (pathTenant !== undefined && pathTenant !== tenant) {
      throw new HttpError(apiErrors.tenantMismatch, `The token does not grant access to tenant '${pathTenant.slice(0, 64)}'`);
    }
    event.tenant = tenant;
  },
});

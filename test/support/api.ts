import { gunzipSync } from 'node:zlib';
import { buildApiEvent, type IamCaller, lambdaContext } from '../../infra/local/lambda-event.ts';
import { loadHandler, ROUTE_NOT_FOUND } from '../../infra/local/local-front.ts';
import { DEFAULT_ACCESS_SCOPES } from '../../lib/access-scopes.ts';
import type { ApiResult } from '../../lib/http/api-types.ts';
import { matchRoute } from '../../lib/routes.ts';
import { assumedRoleArn } from './machine-callers.ts';

/** Who calls, as the authorizer vouched for it; a token carries both scopes unless told otherwise. */
export type TestCaller =
  | { readonly kind: 'token'; readonly claims: Record<string, string>; readonly scopes?: readonly string[] }
  | { readonly kind: 'iam'; readonly userArn: string };

const BOTH_SCOPES = [DEFAULT_ACCESS_SCOPES.read, DEFAULT_ACCESS_SCOPES.write];

/** A token whose tenant claim names `tenant`. */
export const tokenOf = (tenant: string, scopes: readonly string[] = BOTH_SCOPES): TestCaller => ({
  kind: 'token',
  claims: { sub: 'tester', tenant_id: tenant },
  scopes,
});

/** A machine client's token: no tenant claim, its client id (Cognito's client-credentials access token). */
export const clientTokenOf = (clientId: string, scopes: readonly string[] = BOTH_SCOPES): TestCaller => ({
  kind: 'token',
  claims: { sub: clientId, client_id: clientId, token_use: 'access', scope: scopes.join(' ') },
  scopes,
});

/** A caller signing with a role: API Gateway reports its session's ARN. */
export const roleCallerOf = (roleArn: string): TestCaller => ({ kind: 'iam', userArn: assumedRoleArn(roleArn) });

const iamAuthorizer = (userArn: string): IamCaller => {
  const account = /^arn:[^:]+:[^:]+::(\d{12}):/.exec(userArn)?.[1] ?? '';
  const session = userArn.split('/').at(-1) ?? '';
  return {
    accessKey: 'ASIATESTTESTTESTTEST',
    accountId: account,
    callerId: `AROATESTTESTTEST:${session}`,
    cognitoIdentity: null,
    principalOrgId: '',
    userArn,
    userId: `AROATESTTESTTEST:${session}`,
  };
};

export interface ApiCall {
  readonly method: string;
  /** Raw path with query string, e.g. `/v1.1/t1/images?tags=a&tags=b`. */
  readonly path: string;
  /** The tenant claim of a token with both scopes; null sends no claims at all. Ignored when `caller` is given. */
  readonly tenant: string | null;
  readonly caller?: TestCaller;
  /** An object is sent as JSON; a string or Buffer as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** The invocation's time, as Lambda's context reports it; the function's timeout when absent. */
  readonly timeoutMs?: number;
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The body as a client reads it: a gzip-compressed one decompressed, as requests and fetch do. */
  readonly text: string;
  /** The size of the result Lambda would return (its JSON), which Lambda refuses over 6 MB. */
  readonly resultBytes: number;
  // Tests read the answer's fields freely; the assertions check their shape.
  readonly json: any;
  /** The function that answered. */
  readonly operation: string;
}

/**
 * Calls the handler that API Gateway would route to, with the payload 2.0 event it would build
 * after its JWT authorizer accepted a token carrying `tenant` (or after it vouched for `caller`).
 */
export const callApi = async ({ method, path, tenant, caller, body, headers = {}, timeoutMs }: ApiCall): Promise<ApiAnswer> => {
  const [rawPath = '/', rawQueryString = ''] = path.split('?', 2);
  const match = matchRoute(method, rawPath);
  const operation = match.kind === 'found' ? match.operation.name : ROUTE_NOT_FOUND;
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const event = buildApiEvent({
    method,
    rawPath,
    rawQueryString,
    headers: {
      ...(body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: payload,
    routeKey: match.kind === 'found' ? `${match.route.method} ${match.route.path}` : '$default',
    pathParameters: match.kind === 'found' ? match.pathParameters : undefined,
    ...authorizerOf(caller ?? (tenant === null ? undefined : tokenOf(tenant))),
  });
  const handler = await loadHandler(operation);
  const result: ApiResult = await handler(event, lambdaContext(operation, timeoutMs));
  const headersOfResult = (result.headers ?? {}) as Record<string, string>;
  const answered = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  const text = (headersOfResult['content-encoding'] === 'gzip' ? gunzipSync(answered) : answered).toString('utf8');
  return {
    status: result.statusCode ?? 200,
    headers: headersOfResult,
    text,
    resultBytes: Buffer.byteLength(JSON.stringify(result)),
    // The image service answers some errors in text (Glance's, to a caller that does not accept JSON).
    json: text === '' || !/json/.test(String(result.headers?.['content-type'])) ? undefined : JSON.parse(text),
    operation,
  };
};

const authorizerOf = (caller: TestCaller | undefined) =>
  caller === undefined ? {} : caller.kind === 'iam' ? { iam: iamAuthorizer(caller.userArn) } : { claims: caller.claims, scopes: [...(caller.scopes ?? [])] };

/** A v1.1 client bound to one tenant's path; a token of that tenant unless another caller is given. */
export const v1Client = (tenant: string, caller?: TestCaller) => {
  const base = `/v1.1/${tenant}/images`;
  const call = (method: string, suffix: string, body?: unknown) => callApi({ method, path: `${base}${suffix}`, tenant, caller, body });
  return {
    base,
    list: (query = '') => call('GET', query ? `?${query}` : ''),
    show: (id: string) => call('GET', `/${encodeURIComponent(id)}`),
    register: (id: string, body: unknown) => call('POST', `/${encodeURIComponent(id)}`, body),
    unregister: (id: string) => call('DELETE', `/${encodeURIComponent(id)}`),
    tag: (id: string, tags: unknown) => call('POST', `/${encodeURIComponent(id)}/tag`, { tags }),
    untag: (id: string, tags: unknown) => call('POST', `/${encodeURIComponent(id)}/untag`, { tags }),
  };
};

/** A v2 client: the tenant comes from the caller only (a token of `tenant` unless another caller is given). */
export const v2Client = (tenant: string, headers: Record<string, string> = {}, caller?: TestCaller) => {
  const base = '/v2/images';
  const call = (method: string, suffix: string, body?: unknown) => callApi({ method, path: `${base}${suffix}`, tenant, caller, body, headers });
  return {
    base,
    list: (query = '') => call('GET', query ? `?${query}` : ''),
    show: (id: string, query = '') => call('GET', `/${encodeURIComponent(id)}${query ? `?${query}` : ''}`),
    register: (id: string, body: unknown) => call('POST', `/${encodeURIComponent(id)}`, body),
    unregister: (id: string) => call('DELETE', `/${encodeURIComponent(id)}`),
    getTags: (id: string) => call('GET', `/${encodeURIComponent(id)}/tags`),
    replaceTags: (id: string, tags: unknown) => call('PUT', `/${encodeURIComponent(id)}/tags`, { tags }),
    deleteTags: (id: string) => call('DELETE', `/${encodeURIComponent(id)}/tags`),
  };
};

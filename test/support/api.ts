import { buildApiEvent, lambdaContext } from '../../infra/local/lambda-event.ts';
import { loadHandler, ROUTE_NOT_FOUND } from '../../infra/local/local-front.ts';
import type { ApiResult } from '../../lib/http/api-types.ts';
import { matchRoute } from '../../lib/routes.ts';

export interface ApiCall {
  readonly method: string;
  /** Raw path with query string, e.g. `/v1.1/t1/images?tags=a&tags=b`. */
  readonly path: string;
  /** The token's tenant claim; null sends no claims at all. */
  readonly tenant: string | null;
  /** An object is sent as JSON; a string or Buffer as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  // Tests read the answer's fields freely; the assertions check their shape.
  readonly json: any;
  /** The function that answered. */
  readonly operation: string;
}

/**
 * Calls the handler that API Gateway would route to, with the payload 2.0 event it would build
 * after its JWT authorizer accepted a token carrying `tenant`.
 */
export const callApi = async ({ method, path, tenant, body, headers = {} }: ApiCall): Promise<ApiAnswer> => {
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
    claims: tenant === null ? undefined : { sub: 'tester', tenant_id: tenant },
  });
  const handler = await loadHandler(operation);
  const result: ApiResult = await handler(event, lambdaContext(operation));
  const text = result.body ?? '';
  return {
    status: result.statusCode ?? 200,
    headers: (result.headers ?? {}) as Record<string, string>,
    text,
    // The image service answers some errors in text (Glance's, to a caller that does not accept JSON).
    json: text === '' || !/json/.test(String(result.headers?.['content-type'])) ? undefined : JSON.parse(text),
    operation,
  };
};

/** A v1.1 client bound to one tenant. */
export const v1Client = (tenant: string) => {
  const base = `/v1.1/${tenant}/images`;
  const call = (method: string, suffix: string, body?: unknown) => callApi({ method, path: `${base}${suffix}`, tenant, body });
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

/** A v2 client: the tenant comes from the token only. */
export const v2Client = (tenant: string, headers: Record<string, string> = {}) => {
  const base = '/v2/images';
  const call = (method: string, suffix: string, body?: unknown) => callApi({ method, path: `${base}${suffix}`, tenant, body, headers });
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

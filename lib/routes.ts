/**
 * The route table: every operation, the routes it serves and what it may touch. The CDK stack
 * makes one function per operation (entry functions/<name>.ts) and one API route per route; the
 * local front serves the same table. Neither can drift from the other.
 */
type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** DynamoDB actions an operation's function is granted, and nothing more. */
type TableAction = 'GetItem' | 'Query' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

/** Sahara API versions: v1.1 names the tenant in the path, v2 takes it from the token only. */
type ApiVersion = '1.1' | '2';

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway path template: `{name}` matches one non-empty segment. */
  readonly path: string;
  /** v2 routes answer with the OpenStack-API-Version header and refuse unknown query parameters. */
  readonly version: ApiVersion;
}

export interface Operation {
  /** Also the function's file name: functions/<name>.ts. */
  readonly name: string;
  readonly summary: string;
  readonly access: 'read' | 'write';
  readonly tableActions: readonly TableAction[];
  /** Whether the tag index (GSI1) is queried. */
  readonly queriesTagIndex: boolean;
  /** Whether the operation may ask the image catalog about an image (the ec2 catalog: ec2:DescribeImages). */
  readonly callsCatalog: boolean;
  readonly routes: readonly Route[];
}

const V1 = '/v1.1/{tenant_id}/images';
const V2 = '/v2/images';

export const operations = [
  {
    name: 'list-images',
    summary: 'List registered images, filtered by tags (all must match) and a name substring',
    access: 'read',
    tableActions: ['Query', 'BatchGetItem'],
    queriesTagIndex: true,
    callsCatalog: false,
    routes: [
      { method: 'GET', path: V1, version: '1.1' },
      { method: 'GET', path: V2, version: '2' },
    ],
  },
  {
    name: 'show-image',
    summary: 'Show one registered image',
    access: 'read',
    tableActions: ['GetItem'],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [
      { method: 'GET', path: `${V1}/{image_id}`, version: '1.1' },
      { method: 'GET', path: `${V2}/{image_id}`, version: '2' },
    ],
  },
  {
    name: 'register-image',
    summary: 'Register an image, or change its user name and description',
    access: 'write',
    tableActions: ['UpdateItem'],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [
      { method: 'POST', path: `${V1}/{image_id}`, version: '1.1' },
      { method: 'POST', path: `${V2}/{image_id}`, version: '2' },
    ],
  },
  {
    name: 'unregister-image',
    summary: 'Unregister an image: drop its user name, description and tags',
    access: 'write',
    tableActions: ['GetItem', 'DeleteItem'],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [
      { method: 'DELETE', path: `${V1}/{image_id}`, version: '1.1' },
      { method: 'DELETE', path: `${V2}/{image_id}`, version: '2' },
    ],
  },
  {
    name: 'tag-image',
    summary: 'Add tags to an image',
    access: 'write',
    tableActions: ['GetItem', 'PutItem', 'UpdateItem'],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [{ method: 'POST', path: `${V1}/{image_id}/tag`, version: '1.1' }],
  },
  {
    name: 'untag-image',
    summary: 'Remove tags from an image',
    access: 'write',
    tableActions: ['GetItem', 'UpdateItem', 'DeleteItem'],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [{ method: 'POST', path: `${V1}/{image_id}/untag`, version: '1.1' }],
  },
  {
    name: 'get-image-tags',
    summary: 'Show the tags of an image',
    access: 'read',
    tableActions: ['GetItem'],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [{ method: 'GET', path: `${V2}/{image_id}/tags`, version: '2' }],
  },
  {
    name: 'replace-image-tags',
    summary: 'Replace the tags of an image with the given set',
    access: 'write',
    tableActions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [{ method: 'PUT', path: `${V2}/{image_id}/tags`, version: '2' }],
  },
  {
    name: 'delete-image-tags',
    summary: 'Remove every tag of an image',
    access: 'write',
    tableActions: ['GetItem', 'UpdateItem', 'DeleteItem'],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [{ method: 'DELETE', path: `${V2}/{image_id}/tags`, version: '2' }],
  },
] as const satisfies readonly Operation[];

export type OperationName = (typeof operations)[number]['name'];

export type RouteMatch =
  | { readonly kind: 'found'; readonly operation: Operation; readonly route: Route; readonly pathParameters: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: 'not-found' };

const routesByKey = new Map<string, Route>(
  (operations as readonly Operation[]).flatMap((operation) => operation.routes.map((route): [string, Route] => [`${route.method} ${route.path}`, route])),
);

/** The route an API Gateway route key (`GET /v2/images`) names; undefined for `$default`. */
export const routeOfKey = (routeKey: string | undefined): Route | undefined => (routeKey === undefined ? undefined : routesByKey.get(routeKey));

const segmentsOf = (path: string) => path.split('/').slice(1);

/**
 * Matches a raw (still percent-encoded) path against the table. Segments are decoded after the
 * split, so an encoded '/' stays inside its segment and never changes the route.
 */
export const matchRoute = (method: string, rawPath: string): RouteMatch => {
  const requested = segmentsOf(rawPath);
  const allowed: HttpMethod[] = [];
  for (const operation of operations as readonly Operation[]) {
    for (const route of operation.routes) {
      const template = segmentsOf(route.path);
      if (template.length !== requested.length) continue;
      const pathParameters: Record<string, string> = {};
      const matches = template.every((part, i) => {
        const segment = requested[i]!;
        if (!part.startsWith('{')) return part === segment;
        if (segment === '') return false;
        pathParameters[part.slice(1, -1)] = safeDecode(segment);
        return true;
      });
      if (!matches) continue;
      if (route.method === method) return { kind: 'found', operation, route, pathParameters };
      allowed.push(route.method);
    }
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
};

const safeDecode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape is kept as sent; the catalog will not know such an id
  }
};

/**
 * The route table: every operation, the routes it serves and what it may touch. The CDK stack
 * makes one function per operation (entry functions/<name>.ts) and one API route per route; the
 * local front serves the same table. Neither can drift from the other.
 */
import { matchTemplate, moreSpecific, segmentsOf } from './route-templates.ts';

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** DynamoDB actions an operation's function is granted, and nothing more. */
type TableAction = 'GetItem' | 'Query' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

/**
 * Which API a route belongs to: Sahara v1.1 (the tenant in the path), Sahara v2 (the tenant from
 * the token; upstream also serves its paths with the tenant in them), or `image`, the read-only
 * image service for the catalog, Glance v2 compatible (no OpenStack-API-Version, Glance's bodies).
 */
type ApiVersion = '1.1' | '2' | 'image';

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway path template: `{name}` matches one non-empty segment. */
  readonly path: string;
  /** v2 routes answer with the OpenStack-API-Version header and refuse unknown query parameters; image routes answer in Glance's shapes. */
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
// Upstream's v2 also serves every route with the project id in the path; some deployments register that endpoint.
const V2_TENANT = '/v2/{tenant_id}/images';
const IMAGE_SERVICE = '/image';

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
      { method: 'GET', path: V2_TENANT, version: '2' },
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
      { method: 'GET', path: `${V2_TENANT}/{image_id}`, version: '2' },
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
      { method: 'POST', path: `${V2_TENANT}/{image_id}`, version: '2' },
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
      { method: 'DELETE', path: `${V2_TENANT}/{image_id}`, version: '2' },
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
    routes: [
      { method: 'GET', path: `${V2}/{image_id}/tags`, version: '2' },
      { method: 'GET', path: `${V2_TENANT}/{image_id}/tags`, version: '2' },
    ],
  },
  {
    name: 'replace-image-tags',
    summary: 'Replace the tags of an image with the given set',
    access: 'write',
    tableActions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [
      { method: 'PUT', path: `${V2}/{image_id}/tags`, version: '2' },
      { method: 'PUT', path: `${V2_TENANT}/{image_id}/tags`, version: '2' },
    ],
  },
  {
    name: 'delete-image-tags',
    summary: 'Remove every tag of an image',
    access: 'write',
    tableActions: ['GetItem', 'UpdateItem', 'DeleteItem'],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [
      { method: 'DELETE', path: `${V2}/{image_id}/tags`, version: '2' },
      { method: 'DELETE', path: `${V2_TENANT}/{image_id}/tags`, version: '2' },
    ],
  },
  {
    name: 'image-service-versions',
    summary: "The image service's version document, as Glance answers at its root and at /versions",
    access: 'read',
    tableActions: [],
    queriesTagIndex: false,
    callsCatalog: false,
    routes: [
      { method: 'GET', path: IMAGE_SERVICE, version: 'image' },
      { method: 'GET', path: `${IMAGE_SERVICE}/versions`, version: 'image' },
    ],
  },
  {
    name: 'show-catalog-schema',
    summary: 'The JSON schema of an image or of an image list, as Glance serves them (glanceclient builds its model from it)',
    access: 'read',
    tableActions: [],
    queriesTagIndex: false,
    callsCatalog: false,
    routes: [
      { method: 'GET', path: `${IMAGE_SERVICE}/v2/schemas/image`, version: 'image' },
      { method: 'GET', path: `${IMAGE_SERVICE}/v2/schemas/images`, version: 'image' },
    ],
  },
  {
    name: 'show-catalog-image',
    summary: 'Show one image of the catalog, in Glance v2 shape',
    access: 'read',
    tableActions: [],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [{ method: 'GET', path: `${IMAGE_SERVICE}/v2/images/{image_id}`, version: 'image' }],
  },
  {
    name: 'list-catalog-images',
    summary: 'List the images of the catalog, by name, in Glance v2 shape and pages',
    access: 'read',
    tableActions: [],
    queriesTagIndex: false,
    callsCatalog: true,
    routes: [{ method: 'GET', path: `${IMAGE_SERVICE}/v2/images`, version: 'image' }],
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

/**
 * Matches a raw (still percent-encoded) path against the table, choosing the most specific route
 * as API Gateway does. Segments are decoded after the split, so an encoded '/' stays inside its
 * segment and never changes the route.
 */
export const matchRoute = (method: string, rawPath: string): RouteMatch => {
  const requested = segmentsOf(rawPath);
  const candidates: { operation: Operation; route: Route; template: string[]; pathParameters: Record<string, string> }[] = [];
  const allowed = new Set<HttpMethod>();
  for (const operation of operations as readonly Operation[]) {
    for (const route of operation.routes) {
      const template = segmentsOf(route.path);
      const pathParameters = matchTemplate(template, requested);
      if (!pathParameters) continue;
      if (route.method === method) candidates.push({ operation, route, template, pathParameters });
      else allowed.add(route.method);
    }
  }
  const [best] = candidates.sort((a, b) => moreSpecific(a.template, b.template));
  if (best) return { kind: 'found', operation: best.operation, route: best.route, pathParameters: best.pathParameters };
  return allowed.size > 0 ? { kind: 'method-not-allowed', allowed: [...allowed] } : { kind: 'not-found' };
};

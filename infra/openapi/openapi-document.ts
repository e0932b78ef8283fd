/**
 * The OpenAPI 3.1 description of the API, generated from what the service runs on: the route
 * table (lib/routes.ts), each operation's contract (lib/http/operation-contracts.ts: the zod
 * schemas its handler validates with, its success and its own errors) and the middleware's rules.
 * `npm run openapi` writes it to infra/openapi/openapi.json; a test keeps that file current.
 */
import * as z from 'zod';
import { apiErrors, type ErrorCase } from '../../lib/http/api-errors.ts';
import { glanceError, glanceImage, glanceImageList, glanceSchema, glanceVersions } from '../../lib/http/glance-response-schemas.ts';
import { queryObjectOf, V2_TOLERATED_QUERY_PARAMETERS } from '../../lib/http/middleware/request-input.ts';
import { GZIP_THRESHOLD_BYTES, VARY_ENCODING } from '../../lib/http/middleware/response-encoding.ts';
import { contracts, type OperationContract } from '../../lib/http/operation-contracts.ts';
import {
  errorResponse,
  imageAndFieldsResponse,
  imageListResponse,
  imageResponse,
  responseSchemas,
  saharaImage,
  tagListResponse,
} from '../../lib/http/response-schemas.ts';
import { registerImageBody, tagsBody } from '../../lib/http/schemas.ts';
import { type Operation, operations, type Route } from '../../lib/routes.ts';

type Json = Record<string, unknown>;

const COMPONENTS = '#/components/schemas/';

/** Component names of the schemas the contracts use. */
const requestSchemaNames = new Map<z.core.$ZodType, string>([
  [registerImageBody(), 'RegisterImageBody'],
  [tagsBody(), 'TagsBody'],
]);
const responseSchemaNames = new Map<z.ZodType, string>([
  [saharaImage, 'Image'],
  [imageResponse, 'ImageResponse'],
  [imageListResponse, 'ImageListResponse'],
  [imageAndFieldsResponse, 'ImageAndFieldsResponse'],
  [tagListResponse, 'TagListResponse'],
  [errorResponse, 'Error'],
  [glanceVersions, 'GlanceVersions'],
  [glanceImage, 'GlanceImage'],
  [glanceImageList, 'GlanceImageList'],
  [glanceSchema, 'GlanceSchema'],
  [glanceError, 'GlanceError'],
]);

/** A route's operationId: unique, since v2 serves each operation with and without the tenant in the path. */
export const operationIdOf = (operation: Operation, route: Route): string => {
  if (route.version === 'image') return operation.name;
  return `${operation.name}-v${route.version}${route.version === '2' && route.path.includes('{tenant_id}') ? '-tenant' : ''}`;
};

const tagOf = (route: Route) => (route.version === 'image' ? 'image' : `v${route.version}`);

const componentName = (names: Map<z.core.$ZodType, string>, schema: z.core.$ZodType, operation: string) => {
  const name = names.get(schema);
  if (!name) throw new Error(`openapi: give the schema of ${operation} a component name in infra/openapi/openapi-document.ts`);
  return name;
};

/** Every zod schema the description names, converted once, with $refs between them. */
const namedSchemas = (io: 'input' | 'output', schemas: Record<string, z.core.$ZodType>) => {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: converted } = z.toJSONSchema(registry, { io, uri: (id) => `${COMPONENTS}${id}`, unrepresentable: 'any' });
  // Components are plain schemas of the document's dialect, not standalone resources.
  return Object.fromEntries(Object.entries(converted).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema as Json]));
};

/** The error cases of the HTTP edge (lib/http/middleware/, the authorizer), by what a route has. */
const edgeErrors = (operation: Operation, route: Route, contract: OperationContract): ErrorCase[] => [
  apiErrors.unauthorized,
  apiErrors.missingScope,
  apiErrors.unknownCaller,
  ...(operation.access === 'write' ? [apiErrors.readOnlyCaller] : []),
  ...(route.path.includes('{tenant_id}') ? [apiErrors.tenantMismatch] : []),
  ...(route.version === '2' ? [apiErrors.unknownQueryParameter, apiErrors.malformedApiVersion, apiErrors.unsupportedApiVersion] : []),
  ...(contract.body ? [apiErrors.invalidBody, apiErrors.malformedBody, apiErrors.unsupportedContentType, apiErrors.bodyTooLarge] : []),
  ...(contract.query ? [apiErrors.invalidQuery] : []),
  apiErrors.internal,
  apiErrors.unavailable,
];

/** One response per status; its error_name is one of that status's cases. On the image service, Glance's body instead. */
const errorResponses = (cases: readonly ErrorCase[], route: Route) => {
  const byStatus = new Map<number, ErrorCase[]>();
  for (const error of cases) byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
  return Object.fromEntries(
    [...byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, errors]) => {
        const names = [...new Set(errors.map((error) => error.errorName))];
        return [
          String(status),
          {
            description: errors.map((error) => `${error.errorName}: ${error.when}`).join('; '),
            content:
              route.version === 'image'
                ? { 'application/json': { schema: { $ref: `${COMPONENTS}GlanceError` } }, 'text/plain': { schema: { type: 'string' } } }
                : {
                    'application/json': {
                      schema: {
                        allOf: [{ $ref: `${COMPONENTS}Error` }, { properties: { error_code: { const: status }, error_name: { enum: names } } }],
                      },
                    },
                  },
          },
        ];
      }),
  );
};

const pathParameters = (route: Route) =>
  [...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: name === 'tenant_id' ? "The caller's tenant: its token's, or its role's (serviceCallers)" : 'The image id (percent-encoded; never contains /)',
    schema: { type: 'string', minLength: 1 },
  }));

const queryParameters = (route: Route, contract: OperationContract) => {
  const object = contract.query ? queryObjectOf(contract.query()) : undefined;
  const properties = (object ? (z.toJSONSchema(object, { io: 'input', unrepresentable: 'any' }).properties ?? {}) : {}) as Record<string, Json>;
  const descriptions = route.version === 'image' ? CATALOG_QUERY_DESCRIPTIONS : QUERY_DESCRIPTIONS;
  const parameters = Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    schema,
    ...(schema.type === 'array' ? { style: 'form', explode: true } : {}),
  }));
  if (route.version === '2') {
    for (const name of V2_TOLERATED_QUERY_PARAMETERS.filter((name) => !(name in properties))) {
      parameters.push({
        name,
        in: 'query',
        required: false,
        description: "Accepted, as upstream's v2 accepts it; ignored on this route",
        schema: { type: 'string' },
      });
    }
  }
  return parameters;
};

const QUERY_DESCRIPTIONS: Record<string, string> = {
  tags: 'Repeat for several tags; an image must carry every one (AND). A comma is part of the tag.',
  name: 'A case-sensitive substring of the image name; empty means no filter.',
  username: "Accepted as upstream's v2 accepts it; not a filter.",
  limit: 'Page size, 1 to 1000. With limit or marker the answer carries markers.',
  marker: 'Opaque: markers.next or markers.prev of a previous answer, sent with the sort_by it was given out for.',
  sort_by: 'The order: id (the default, also when empty), name, created or updated; a leading - for descending. Ties follow the id.',
  include_deprecated: 'false leaves out the images whose deprecation time (metadata.deprecation_time) has come; default true.',
};

const CATALOG_QUERY_DESCRIPTIONS: Record<string, string> = {
  name: "Exactly this name, as Glance's name filter.",
  limit: 'Page size, from 0; default 25, at most 1000 (a larger limit is capped, as Glance does).',
  marker: 'The id of the last image of the previous page (the next link carries it).',
};

/** The headers of a success: the version (v2), what it varies by, and whether it is compressed (lib/http/middleware/response-encoding.ts). */
const successHeaders = (route: Route, hasBody: boolean) => {
  const vary = [...(hasBody ? [VARY_ENCODING] : []), ...(route.version === '2' ? ['OpenStack-API-Version'] : [])].join(', ');
  return {
    'Cache-Control': { schema: { type: 'string', const: 'no-store' } },
    ...(route.version === '2'
      ? { 'OpenStack-API-Version': { description: 'data-processing 2.0', schema: { type: 'string', const: 'data-processing 2.0' } } }
      : {}),
    ...(vary ? { Vary: { schema: { type: 'string', const: vary } } } : {}),
    ...(hasBody
      ? {
          'Content-Encoding': {
            description: `gzip when the request's Accept-Encoding allows it and the body is ${GZIP_THRESHOLD_BYTES} bytes or more; absent otherwise`,
            schema: { type: 'string', const: 'gzip' },
          },
        }
      : {}),
  };
};

const describeRoute = (operation: Operation, route: Route) => {
  const contract: OperationContract = contracts[operation.name as keyof typeof contracts];
  const { success } = contract;
  const bodyName = contract.body ? componentName(requestSchemaNames, contract.body(), operation.name) : undefined;
  const responseName = success.schema ? componentName(responseSchemaNames, responseSchemas[success.schema], operation.name) : undefined;
  const parameters = [
    ...pathParameters(route),
    ...queryParameters(route, contract),
    ...(route.version === '2'
      ? [{ name: 'OpenStack-API-Version', in: 'header', required: false, description: 'data-processing 2.0 or latest', schema: { type: 'string' } }]
      : []),
  ];
  const responses: Json = {
    [String(success.status)]: {
      description: success.description,
      headers: successHeaders(route, responseName !== undefined),
      ...(responseName ? { content: { 'application/json': { schema: { $ref: `${COMPONENTS}${responseName}` } } } } : {}),
    },
    ...errorResponses([...edgeErrors(operation, route, contract), ...contract.errors], route),
  };
  return {
    operationId: operationIdOf(operation, route),
    summary: operation.summary,
    tags: [tagOf(route)],
    'x-operation': operation.name,
    parameters,
    ...(bodyName ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `${COMPONENTS}${bodyName}` } } } } } : {}),
    responses,
  };
};

export const buildOpenApiDocument = (version: string) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations as readonly Operation[]) {
    for (const route of operation.routes) {
      paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: describeRoute(operation, route) };
    }
  }
  const byName = (names: Map<z.core.$ZodType, string>) => Object.fromEntries([...names].map(([schema, name]) => [name, schema]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sahara-compatible image registry',
      version,
      summary: 'The OpenStack Data Processing (Sahara) image registry API, v1.1 and v2, and a read-only Glance v2 image service for its catalog',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: 'http://127.0.0.1:8386', description: 'npm start' }],
    security: [{ authToken: [] }, { bearer: [] }, { sigv4: [] }],
    tags: [
      { name: 'v1.1', description: "Sahara API v1.1: the tenant in the path must be the token's" },
      { name: 'v2', description: "Sahara API v2: the tenant comes from the token (and, on the paths that name it, must be the token's)" },
      { name: 'image', description: 'The read-only image service for the catalog, Glance v2 compatible (for openstacksdk and the openstack CLI)' },
    ],
    paths,
    components: {
      securitySchemes: {
        authToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'What python-saharaclient sends' },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'AWS Signature Version 4 (service execute-api) by an IAM role of serviceCallers: the service API in AWS (ServiceApiUrl), the same port locally',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
      schemas: { ...namedSchemas('input', byName(requestSchemaNames)), ...namedSchemas('output', byName(responseSchemaNames)) },
    },
  };
};

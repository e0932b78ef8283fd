import { MAX_BODY_BYTES } from './schemas.ts';

/** One way the API refuses or fails a request: its status, upstream Sahara's `error_name`, and when. */
export interface ErrorCase {
  readonly status: number;
  readonly errorName: string;
  readonly when: string;
}

/**
 * Every error the API answers, in one table. The middleware, the `$default` route, the local front
 * and the registry's error mapping raise them from here, and the OpenAPI description lists them
 * from here, so a name or a status is spelled once. Errors below 500 are exposed with their
 * message; 500 never says more than "Internal error".
 */
export const apiErrors = {
  // Authentication and tenancy (lib/http/middleware/tenant-auth.ts, the authorizer or the local front).
  unauthorized: { status: 401, errorName: 'UNAUTHORIZED', when: 'no token and no signature, an unknown token, or a token that names no tenant and no client' },
  tenantMismatch: { status: 403, errorName: 'FORBIDDEN', when: "the path's tenant is not the token's" },
  missingScope: { status: 403, errorName: 'FORBIDDEN', when: 'the token lacks the read or write scope the route needs' },
  unknownCaller: {
    status: 403,
    errorName: 'FORBIDDEN',
    when: 'an IAM caller that is not a role of serviceCallers, or a token naming no tenant whose client_id is not in clientTenants',
  },
  readOnlyCaller: { status: 403, errorName: 'FORBIDDEN', when: 'a change by a service caller whose access is read' },
  invalidSignature: {
    status: 403,
    errorName: 'FORBIDDEN',
    when: 'a SigV4 signature that does not verify, is more than 5 minutes off, or is by an unknown key (local front; API Gateway answers in its own body)',
  },
  // The request line and headers.
  routeNotFound: { status: 404, errorName: 'NOT_FOUND', when: 'no route has this path' },
  methodNotAllowed: { status: 405, errorName: 'METHOD_NOT_ALLOWED', when: 'the path exists but not with this method' },
  unknownQueryParameter: { status: 400, errorName: 'INVALID_PARAMS_ON_REQUEST', when: 'a query parameter the route does not know' },
  invalidQuery: { status: 400, errorName: 'VALIDATION_ERROR', when: 'a query parameter fails its schema; the message names it' },
  malformedApiVersion: { status: 400, errorName: 'BAD_REQUEST', when: 'a malformed OpenStack-API-Version' },
  unsupportedApiVersion: { status: 406, errorName: 'NOT_ACCEPTABLE', when: 'an OpenStack-API-Version other than data-processing 2.0' },
  headersTooLarge: { status: 431, errorName: 'REQUEST_HEADER_FIELDS_TOO_LARGE', when: 'the request line and headers are over 16 KiB (local front)' },
  notHttp: { status: 400, errorName: 'BAD_REQUEST', when: 'the request is not valid HTTP/1.1 (local front)' },
  // The body.
  invalidBody: { status: 400, errorName: 'VALIDATION_ERROR', when: 'the body fails its schema; the message names the field' },
  malformedBody: { status: 400, errorName: 'MALFORMED_REQUEST_BODY', when: 'the body is not JSON' },
  unsupportedContentType: { status: 400, errorName: 'INVALID_DATA', when: 'a Content-Type other than JSON' },
  bodyTooLarge: { status: 413, errorName: 'REQUEST_ENTITY_TOO_LARGE', when: `the body is over ${MAX_BODY_BYTES} bytes` },
  payloadTooLarge: { status: 413, errorName: 'REQUEST_ENTITY_TOO_LARGE', when: "the request is over API Gateway's 10 MB payload limit (local front)" },
  // The answer.
  responseTooLarge: {
    status: 400,
    errorName: 'RESPONSE_TOO_LARGE',
    when: "the whole list is more than one answer can carry (Lambda's 6 MB: about 5.4 MB of JSON, or 4.5 MB gzip-compressed); ask for it a page at a time with limit and marker",
  },
  // The registry's own refusals (lib/registry/errors.ts, mapped in error-response.ts).
  imageNotFound: { status: 404, errorName: 'NOT_FOUND', when: 'the image catalog does not know the image' },
  imageNotRegistered: { status: 400, errorName: 'IMAGE_NOT_REGISTERED', when: 'the catalog knows the image but it is not registered' },
  tagLimitExceeded: { status: 400, errorName: 'VALIDATION_ERROR', when: 'the image would carry more than 50 tags' },
  // The read-only image service (lib/image-service/), answered in Glance's body.
  catalogImageNotFound: { status: 404, errorName: 'NOT_FOUND', when: 'image service: the catalog has no image with this id' },
  invalidCatalogMarker: { status: 400, errorName: 'BAD_REQUEST', when: 'image service: the marker is not an image of this list' },
  // Failures.
  internal: { status: 500, errorName: 'INTERNAL_SERVER_ERROR', when: 'an unexpected failure (never described further)' },
  unavailable: { status: 503, errorName: 'SERVICE_UNAVAILABLE', when: 'the database or catalog is throttling or down; retry after Retry-After' },
} as const satisfies Record<string, ErrorCase>;

/** Fields an error body carries besides upstream's three, such as the version range of a 406. */
export type ErrorBodyFields = Readonly<Record<string, string>>;

/** A refusal decided at the HTTP edge (auth, parsing, validation, routing): it carries its own status and name. */
export class HttpError extends Error {
  readonly status: number;
  readonly errorName: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyFields: ErrorBodyFields;

  constructor({ status, errorName }: ErrorCase, message: string, headers: Record<string, string> = {}, bodyFields: ErrorBodyFields = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.errorName = errorName;
    this.headers = headers;
    this.bodyFields = bodyFields;
  }
}

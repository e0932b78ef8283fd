import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { type AccessScopes, DEFAULT_ACCESS_SCOPES } from '../../lib/access-scopes.ts';
import { apiErrors, HttpError } from '../../lib/http/api-errors.ts';
import type { ApiEvent, ApiResult } from '../../lib/http/api-types.ts';
import { renderError } from '../../lib/http/proxy-result.ts';
import { matchRoute } from '../../lib/routes.ts';
import { type DevIamKey, iamCallerOf } from './dev-iam-keys.ts';
import type { DevToken } from './dev-tokens.ts';
import { buildApiEvent, lambdaContext } from './lambda-event.ts';
import { isSigV4Signed, verifySigV4 } from './sigv4-verifier.ts';

type LambdaHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

const FUNCTIONS_DIR = fileURLToPath(new URL('../../functions/', import.meta.url));

/** API Gateway's own payload limit for HTTP APIs; larger bodies never reach a function. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export const ROUTE_NOT_FOUND = 'route-not-found';

const handlers = new Map<string, Promise<LambdaHandler>>();

/** The same handler module a Lambda function runs, loaded once, as a warm container would. */
export const loadHandler = (name: string): Promise<LambdaHandler> => {
  let handler = handlers.get(name);
  if (!handler) {
    handler = import(pathToFileURL(join(FUNCTIONS_DIR, `${name}.ts`)).href).then((module: { handler: LambdaHandler }) => module.handler);
    handlers.set(name, handler);
  }
  return handler;
};

export interface LocalFrontOptions {
  readonly tokens: readonly DevToken[];
  /** The claim the functions read the tenant from (TENANT_CLAIM). */
  readonly tenantClaim: string;
  /** The scope names put on the development tokens; the functions check them (READ_SCOPE / WRITE_SCOPE). */
  readonly scopes?: AccessScopes;
  /** Development access keys: a request signed with one (SigV4) stands for its role, as on the service API. */
  readonly iamKeys?: readonly DevIamKey[];
}

const readBody = (request: IncomingMessage) =>
  new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_PAYLOAD_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });

const headersOf = (request: IncomingMessage) => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headersDistinct)) {
    if (value) headers[name] = value.join(',');
  }
  return headers;
};

const tokenOf = (headers: Record<string, string>) => headers['x-auth-token'] ?? /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];

/** As API Gateway does: a base64 body (a gzip-compressed answer) goes out as the bytes it encodes. */
const send = (response: ServerResponse, result: ApiResult) => {
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
};

/**
 * The local stand-in for API Gateway, both APIs on one port: matches the route table, checks the
 * development token the way the JWT authorizer would, or a SigV4 signature the way IAM
 * authorization would, builds the same payload 2.0 event and invokes the same handler.
 */
export const createLocalFront = ({ tokens, tenantClaim, scopes = DEFAULT_ACCESS_SCOPES, iamKeys = [] }: LocalFrontOptions): Server => {
  const tokenOwners = new Map(tokens.map((devToken) => [devToken.token, devToken]));
  const keysById = new Map(iamKeys.map((key) => [key.accessKeyId, key]));

  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    // Split by hand: URL parsing rejects or rewrites request targets such as `//v1.1/...`.
    const target = request.url ?? '/';
    const queryStart = target.indexOf('?');
    const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
    const rawQueryString = queryStart === -1 ? '' : target.slice(queryStart + 1);
    const method = request.method ?? 'GET';
    const headers = headersOf(request);
    const match = matchRoute(method, rawPath);
    const common = { method, rawPath, rawQueryString, headers, sourceIp: request.socket.remoteAddress };

    // A request refused before its body is read leaves the body unread: Node discards it unbuffered.
    if (match.kind !== 'found') {
      const handler = await loadHandler(ROUTE_NOT_FOUND);
      const event = buildApiEvent({ ...common, body: Buffer.alloc(0), routeKey: '$default' });
      return send(response, await handler(event, lambdaContext(ROUTE_NOT_FOUND)));
    }
    const { operation, route, pathParameters } = match;
    const routed = { ...common, routeKey: `${route.method} ${route.path}`, pathParameters };
    const invoke = async (event: ApiEvent) => {
      const handler = await loadHandler(operation.name);
      send(response, await handler(event, lambdaContext(operation.name)));
    };
    /** The body, up to API Gateway's limit; undefined when it is over it, the 413 sent. */
    const bodyOrRefusal = async () => {
      const body = await readBody(request);
      if (body === undefined)
        send(response, renderError(new HttpError(apiErrors.payloadTooLarge, `Request bodies are limited to ${MAX_PAYLOAD_BYTES} bytes`), randomUUID()));
      return body;
    };
    if (isSigV4Signed(headers)) {
      // As the service API: IAM authorization vouches for the signer; the function maps its role (serviceCallers).
      // A signature covers the body's hash, so a signed request's body is read to check it.
      const body = await bodyOrRefusal();
      if (body === undefined) return;
      const verdict = await verifySigV4({ method, rawPath, rawQueryString, headers, body }, keysById);
      if (!verdict.ok) return send(response, renderError(new HttpError(apiErrors.invalidSignature, verdict.reason), randomUUID()));
      return invoke(buildApiEvent({ ...routed, body, iam: iamCallerOf(verdict.key) }));
    }
    const token = tokenOf(headers);
    const owner = token ? tokenOwners.get(token) : undefined;
    if (owner === undefined) {
      const error = new HttpError(
        apiErrors.unauthorized,
        'Authentication required: send a valid token as X-Auth-Token or Authorization: Bearer, or sign the request (SigV4)',
      );
      return send(response, renderError(error, randomUUID()));
    }
    const { tenant } = owner;
    // As the JWT authorizer's authorizationScopes: the route's scope, checked before the function runs.
    const granted = owner.readOnly ? [scopes.read] : [scopes.read, scopes.write];
    if (!granted.includes(scopes[operation.access])) {
      const error = new HttpError(apiErrors.missingScope, `The token lacks the '${scopes[operation.access]}' scope this request needs`);
      return send(response, renderError(error, randomUUID()));
    }
    // Only a caller the token admits gets its body read, up to API Gateway's limit.
    const body = await bodyOrRefusal();
    if (body === undefined) return;
    await invoke(buildApiEvent({ ...routed, body, claims: { sub: `dev-${tenant}`, [tenantClaim]: tenant }, scopes: granted }));
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      // Handlers render their own failures; reaching here is a bug in the front itself.
      console.error('local front: request failed', error);
      if (!response.headersSent) send(response, renderError(error, randomUUID()));
      else response.destroy();
    });
  });
  server.on('clientError', answerUnparsable);
  return server;
};

/**
 * A request Node's parser refuses (a request line or headers over 16 KiB, an unknown method,
 * broken framing) never reaches `serve`; Node would answer a bare 400 or 431. It gets the normal
 * error body instead, and the connection is closed since its framing cannot be trusted.
 */
const answerUnparsable = (error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
  if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const refusal = tooLarge
    ? new HttpError(apiErrors.headersTooLarge, 'The request line and headers are limited to 16 KiB')
    : new HttpError(apiErrors.notHttp, 'The request is not valid HTTP/1.1');
  const result = renderError(refusal, randomUUID());
  const body = Buffer.from(result.body ?? '');
  const headers = Object.entries({ ...result.headers, 'content-length': body.length, connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  // An answer to HEAD carries no body, even an error (RFC 9110); the client would misread one.
  const head = error.rawPacket?.toString('latin1', 0, 5) === 'HEAD ';
  const statusLine = `HTTP/1.1 ${result.statusCode} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}`;
  socket.end(Buffer.concat([Buffer.from(`${statusLine}\r\n${headers}\r\n`), head ? Buffer.alloc(0) : body]));
};

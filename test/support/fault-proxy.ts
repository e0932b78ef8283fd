import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What the proxy does to a matching request instead of passing it on:
 * - throttle: DynamoDB's 400 ThrottlingException
 * - server-error: DynamoDB's 500 InternalServerError
 * - reset: the connection is dropped before an answer (a network failure)
 * - hang: no answer at all, until the client gives up (a timeout)
 * - drop-response: the request reaches DynamoDB and is applied, then the answer is lost
 * - access-denied: DynamoDB's 400 AccessDeniedException, as for a role missing a permission
 * - slow: the answer comes, but only after `delayMs` (see inject)
 * - unprocessed: a BatchGetItem reads only the first half of its keys (rounded up) and answers the
 *   rest as UnprocessedKeys, as DynamoDB does when it throttles part of a batch
 */
export type Fault = 'throttle' | 'server-error' | 'reset' | 'hang' | 'drop-response' | 'access-denied' | 'slow' | 'unprocessed';

export interface FaultProxy {
  /** Point the SDK here instead of at DynamoDB Local. */
  readonly endpoint: string;
  /** Applies `fault` to every request, or only to the named DynamoDB operations (`TransactWriteItems`); `slow` waits `delayMs` (default 5 s). */
  inject(fault: Fault, operations?: readonly string[], options?: { delayMs?: number }): void;
  /** Lets every request through again. */
  clear(): void;
  /** The DynamoDB operations received since the last reset(), in order, faulted or not. */
  readonly received: string[];
  reset(): void;
  close(): Promise<void>;
}

const errorAnswer = (response: ServerResponse, status: number, type: string, message: string) => {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
  response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }));
};

/**
 * A fault-injecting HTTP proxy in front of DynamoDB Local: the real engine stays behind it, and the
 * SDK sees failures the way it would from the service, so its own retries run as in AWS.
 */
export const startFaultProxy = async (upstream: string): Promise<FaultProxy> => {
  const target = new URL(upstream);
  let active: { fault: Fault; operations?: ReadonlySet<string> | undefined; delayMs: number } | undefined;
  const received: string[] = [];
  const sockets = new Set<Socket>();

  const forward = (
    request: IncomingMessage,
    body: Buffer,
    deliver: (answer: IncomingMessage, answerBody: Buffer) => void,
    fail: () => void,
    headers = request.headers,
  ) => {
    const outgoing = httpRequest({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => deliver(answer, Buffer.concat(chunks)));
      answer.on('error', fail);
    });
    outgoing.on('error', fail);
    outgoing.end(body);
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const operation =
        String(request.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      received.push(operation);
      const fault = active && (!active.operations || active.operations.has(operation)) ? active.fault : undefined;
      const body = Buffer.concat(chunks);
      switch (fault) {
        case 'throttle':
          return errorAnswer(response, 400, 'ThrottlingException', 'Rate of requests exceeds the allowed throughput.');
        case 'server-error':
          return errorAnswer(response, 500, 'InternalServerError', 'Internal server error');
        case 'access-denied':
          return errorAnswer(response, 400, 'AccessDeniedException', 'User is not authorized to perform: dynamodb:GetItem on resource: table');
        case 'reset':
          return request.socket.destroy();
        case 'hang':
          return; // the socket stays open and silent; close() ends it
        case 'drop-response':
          return forward(
            request,
            body,
            () => request.socket.destroy(),
            () => request.socket.destroy(),
          );
        case 'unprocessed':
          return relayHalfBatch(request, response, body);
        case 'slow': {
          const timer = setTimeout(() => relay(request, response, body), active!.delayMs);
          request.socket.once('close', () => clearTimeout(timer));
          return;
        }
        default:
          return relay(request, response, body);
      }
    });
  });
  const relay = (request: IncomingMessage, response: ServerResponse, body: Buffer) =>
    forward(
      request,
      body,
      (answer, answerBody) => {
        if (response.destroyed) return;
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        response.end(answerBody);
      },
      () => request.socket.destroy(),
    );
  /** BatchGetItem with half its keys; the other half comes back as UnprocessedKeys with the real items of the first. */
  const relayHalfBatch = (request: IncomingMessage, response: ServerResponse, body: Buffer) => {
    type BatchInput = { RequestItems: Record<string, { Keys: unknown[] } & Record<string, unknown>> };
    const input = JSON.parse(body.toString('utf8')) as BatchInput;
    const unprocessed: BatchInput['RequestItems'] = {};
    for (const [table, read] of Object.entries(input.RequestItems)) {
      const kept = Math.ceil(read.Keys.length / 2);
      if (read.Keys.length > kept) unprocessed[table] = { ...read, Keys: read.Keys.slice(kept) };
      read.Keys = read.Keys.slice(0, kept);
    }
    const halved = Buffer.from(JSON.stringify(input));
    forward(
      request,
      halved,
      (answer, answerBody) => {
        if (response.destroyed) return;
        const output = JSON.parse(answerBody.toString('utf8')) as Record<string, unknown>;
        const rewritten = Buffer.from(JSON.stringify({ ...output, UnprocessedKeys: unprocessed }));
        const { 'x-amz-crc32': _crc, ...answerHeaders } = answer.headers;
        response.writeHead(answer.statusCode ?? 502, { ...answerHeaders, 'content-length': String(rewritten.length) });
        response.end(rewritten);
      },
      () => request.socket.destroy(),
      { ...request.headers, 'content-length': String(halved.length) },
    );
  };
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject: (fault, operations, { delayMs = 5_000 } = {}) => {
      active = { fault, operations: operations ? new Set(operations) : undefined, delayMs };
    },
    clear: () => {
      active = undefined;
    },
    received,
    reset: () => {
      received.length = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
};

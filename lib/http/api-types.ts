import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The API Gateway HTTP API (payload 2.0) event, with what the middleware stack read from it. */
export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer & {
  /** Set by tenantAuth: the tenant of the caller's token. */
  tenant?: string;
  /** Set by requestInput: the validated body and query. */
  input?: { body: unknown; query: unknown };
};

export type ApiResult = APIGatewayProxyStructuredResultV2;

/** What an operation handler answers; serialized once, by the stack. */
export interface ApiResponse {
  readonly statusCode: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

import type {
  APIGatewayEventRequestContextIAMAuthorizer,
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayEventRequestContextV2WithAuthorizer,
  APIGatewayProxyEventV2WithRequestContext,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';

/** What the authorizer vouched for: a JWT's claims and scopes (the users' API) or an IAM caller (the service API). */
type Authorizer = Partial<APIGatewayEventRequestContextJWTAuthorizer> & Partial<APIGatewayEventRequestContextIAMAuthorizer>;

/** The API Gateway HTTP API (payload 2.0) event, with what the middleware stack read from it. */
export type ApiEvent = APIGatewayProxyEventV2WithRequestContext<APIGatewayEventRequestContextV2WithAuthorizer<Authorizer>> & {
  /** Set by tenantAuth: the tenant the caller acts for. */
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

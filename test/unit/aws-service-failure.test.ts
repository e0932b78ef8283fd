import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { isServiceFailure } from '../../lib/aws-service-failure.ts';

const dynamoDbError = (name: string, httpStatusCode: number) =>
  new DynamoDBServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', message: name, $metadata: { httpStatusCode, attempts: 3 } });
const ec2Error = (name: string, httpStatusCode: number) =>
  new EC2ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', message: name, $metadata: { httpStatusCode, attempts: 3 } });
/** A failure below HTTP, as Node's http module raises it and the SDK passes it on after its retries. */
const networkError = (code: string, name = 'Error') => Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code, name, $metadata: { attempts: 3 } });

describe('faults sorted: transient (503, retry) or permanent (500, fix)', () => {
  it.each([
    ['throttling the adapter names', dynamoDbError('ThrottlingException', 400)],
    ['a 500', dynamoDbError('InternalServerError', 500)],
    ['a 503 by any name', ec2Error('Unavailable', 503)],
    ['a 429', dynamoDbError('TooManyRequests', 429)],
    [
      'a request timeout',
      Object.assign(new Error('a request has exceeded the configured 3000 ms requestTimeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' }),
    ],
    ['a connection timeout', Object.assign(new Error('did not establish a connection'), { name: 'TimeoutError' })],
    ['the invocation deadline cutting a call short', Object.assign(new Error('Request aborted'), { name: 'AbortError' })],
    ['a reset connection', networkError('ECONNRESET')],
    ['a refused connection', networkError('ECONNREFUSED')],
    ['an unreachable host', networkError('EHOSTUNREACH')],
    ['a DNS hiccup', networkError('EAI_AGAIN')],
  ])('%s is transient', (_what, error) => {
    expect(isServiceFailure(error, new Set(['ThrottlingException']))).toBe(true);
  });

  it.each([
    ['a missing IAM permission (DynamoDB)', dynamoDbError('AccessDeniedException', 400)],
    ['a missing IAM permission (EC2)', ec2Error('UnauthorizedOperation', 403)],
    ['a request the service finds invalid', dynamoDbError('ValidationException', 400)],
    ['a table that does not exist', dynamoDbError('ResourceNotFoundException', 400)],
    ['an expired or unknown credential', ec2Error('AuthFailure', 401)],
    ['a bug of ours', new TypeError("Cannot read properties of undefined (reading 'S')")],
    ['a credentials provider that found none', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })],
    ['an endpoint that does not resolve', networkError('ENOTFOUND')],
  ])('%s is permanent', (_what, error) => {
    expect(isServiceFailure(error, new Set(['ThrottlingException']))).toBe(false);
  });
});

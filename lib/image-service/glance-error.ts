import { STATUS_CODES } from 'node:http';
import type { ApiResult } from '../http/api-types.ts';
import { describeError } from '../http/error-response.ts';

const acceptsJson = (accept: string | undefined) => /\bapplication\/(?:[\w.+-]+\+)?json\b/i.test(accept ?? '');

/**
 * A failure in Glance's terms, as webob renders Glance's errors: JSON `{"message", "code", "title"}`
 * for a caller that accepts JSON (openstacksdk's lists), text otherwise (glanceclient and
 * openstacksdk's show send no JSON Accept, and glanceclient cannot read a flat JSON error). The
 * request id is in x-openstack-request-id, where openstacksdk reads it.
 */
export const renderGlanceError = (error: unknown, requestId: string, accept: string | undefined): ApiResult => {
  const { status, message, headers } = describeError(error);
  const title = STATUS_CODES[status] ?? 'Error';
  const code = `${status} ${title}`;
  const json = acceptsJson(accept);
  return {
    statusCode: status,
    headers: {
      'content-type': json ? 'application/json' : 'text/plain; charset=UTF-8',
      // As every answer (lib/http/proxy-result.ts): no cache may keep it.
      'cache-control': 'no-store',
      'x-openstack-request-id': `req-${requestId}`,
      ...headers,
    },
    body: json ? JSON.stringify({ message, code, title }) : `${code}\n\n${message}\n`,
  };
};

import type { ApiEvent } from './api-types.ts';

// A Host header is echoed into links only when it looks like one; anything else falls back to API Gateway's domain.
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/**
 * The URL the caller used, without its query: the scheme API Gateway received (X-Forwarded-Proto,
 * https in AWS; http on the local front), the Host the caller named (a custom domain too), and the
 * raw path (which keeps a custom domain's base path). Links built from it lead back to this API.
 */
export const requestUrlOf = (event: ApiEvent): string => {
  const proto = event.headers?.['x-forwarded-proto']?.split(',', 1)[0]?.trim().toLowerCase();
  const host = event.headers?.host;
  const scheme = proto === 'https' || proto === 'http' ? proto : 'http';
  const authority = host && HOST.test(host) ? host : event.requestContext?.domainName || 'localhost';
  return `${scheme}://${authority}${event.rawPath ?? '/'}`;
};

import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { DevIamKey } from './dev-iam-keys.ts';

/** A request as it arrived: the raw path and query, lower-case header names, the body's bytes. */
export interface ArrivedRequest {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export type Verdict = { readonly ok: true; readonly key: DevIamKey } | { readonly ok: false; readonly reason: string };

/** API Gateway refuses a signature dated more than 5 minutes from its clock. */
const MAX_SKEW_MS = 5 * 60 * 1000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Whether the request carries a SigV4 signature (rather than a token). */
export const isSigV4Signed = (headers: Readonly<Record<string, string>>) => /^AWS4-HMAC-SHA256\b/.test(headers.authorization ?? '');

const refuse = (reason: string): Verdict => ({ ok: false, reason });

const decode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** The query as the signer takes it: decoded names to a value or, repeated, to every value. */
const queryOf = (rawQueryString: string) => {
  const query: Record<string, string | string[]> = {};
  for (const pair of rawQueryString.split('&').filter(Boolean)) {
    const equals = pair.indexOf('=');
    const [name, value] = equals === -1 ? [decode(pair), ''] : [decode(pair.slice(0, equals)), decode(pair.slice(equals + 1))];
    const seen = query[name];
    query[name] = seen === undefined ? value : [seen, value].flat();
  }
  return query;
};

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Verifies a SigV4 signature (service `execute-api`, in the Authorization header) the way API
 * Gateway's IAM authorization does, by signing the request again with the AWS SDK's own signer and
 * the key's secret: the key must be known, the date within 5 minutes, the signature equal. Any
 * region is accepted: the local front has none.
 */
export const verifySigV4 = async (request: ArrivedRequest, keys: ReadonlyMap<string, DevIamKey>, now = Date.now()): Promise<Verdict> => {
  const match = AUTHORIZATION.exec((request.headers.authorization ?? '').trim());
  if (!match)
    return refuse(
      'The Authorization header is not AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/execute-api/aws4_request, SignedHeaders=..., Signature=...',
    );
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = match as unknown as string[];
  const key = keys.get(accessKeyId!);
  if (!key) return refuse(`The security token included in the request is invalid: no development key '${accessKeyId!.slice(0, 128)}' (REGISTRY_DEV_IAM_KEYS)`);
  if (service !== 'execute-api') return refuse(`Credential should be scoped to the service 'execute-api', not '${service!.slice(0, 64)}'`);

  const amzDate = request.headers['x-amz-date'] ?? '';
  const date = AMZ_DATE.exec(amzDate);
  if (!date) return refuse('A signed request needs an X-Amz-Date header (yyyyMMddTHHmmssZ)');
  const signedAt = Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!);
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    return refuse(`Signature expired: it is dated ${amzDate}, more than 5 minutes from the local front's time ${new Date(now).toISOString()}`);
  }
  if (!amzDate.startsWith(scopeDate!)) return refuse(`Credential should be scoped to the date of X-Amz-Date, ${amzDate.slice(0, 8)}, not ${scopeDate}`);

  const signedHeaders = signedHeaderList!.split(';');
  if (!signedHeaders.includes('host')) return refuse("The signed headers must include 'host'");
  const missing = signedHeaders.find((name) => request.headers[name] === undefined);
  if (missing) return refuse(`The signed header '${missing}' is not in the request`);
  const claimedHash = request.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(request.body).digest('hex')) {
    return refuse('X-Amz-Content-Sha256 is not the SHA-256 of the body');
  }

  const signer = new SignatureV4({
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    region: region!,
    service: 'execute-api',
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: request.headers.host!,
      path: request.rawPath,
      query: queryOf(request.rawQueryString),
      headers: Object.fromEntries(signedHeaders.map((name) => [name, request.headers[name]!])),
      body: request.body.length > 0 ? request.body : undefined,
    },
    { signingDate: new Date(signedAt), signableHeaders: new Set(signedHeaders) },
  );
  const expected = /SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(String(resigned.headers.authorization));
  if (!expected || expected[1] !== signedHeaderList || !sameText(expected[2]!, signature!)) {
    return refuse('The request signature we calculated does not match the signature you provided: check the secret and how the request was signed');
  }
  return { ok: true, key };
};

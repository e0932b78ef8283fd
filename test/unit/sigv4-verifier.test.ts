import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { type DevIamKey, iamCallerOf, parseDevIamKeys } from '../../infra/local/dev-iam-keys.ts';
import { type ArrivedRequest, isSigV4Signed, verifySigV4 } from '../../infra/local/sigv4-verifier.ts';

const ROLE = 'arn:aws:iam::123456789012:role/etl/image-finder';
const [KEY] = parseDevIamKeys(`AKIADEVTEST000001:s3cr3t/with+and=signs=${ROLE}`) as [DevIamKey];
const KEYS = new Map([[KEY.accessKeyId, KEY]]);
const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

interface Signable {
  readonly method?: string;
  readonly path?: string;
  readonly query?: Record<string, string | string[]>;
  readonly rawQuery?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** Signs as a client does, with the AWS SDK's signer, and returns the request as the front receives it. */
const signed = async (
  { method = 'GET', path = '/v2/images', query = {}, rawQuery, body, headers = {} }: Signable = {},
  { secret = KEY.secretAccessKey, accessKeyId = KEY.accessKeyId, service = 'execute-api', region = 'eu-west-1', at = NOW, checksum = true } = {},
): Promise<ArrivedRequest> => {
  const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey: secret }, region, service, sha256: Sha256, applyChecksum: checksum });
  const request = await signer.sign(
    { method, protocol: 'http:', hostname: '127.0.0.1', port: 8386, path, query, headers: { host: '127.0.0.1:8386', ...headers }, body },
    { signingDate: new Date(at) },
  );
  const lower = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
  const queryString =
    rawQuery ??
    Object.entries(query)
      .flatMap(([name, values]) => [values].flat().map((value) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`))
      .join('&');
  return { method, rawPath: path, rawQueryString: queryString, headers: lower, body: Buffer.from(body ?? '') };
};

const verdictOf = async (request: ArrivedRequest, now = NOW) => verifySigV4(request, KEYS, now);

describe('SigV4 verification (the local front standing in for IAM authorization)', () => {
  it('accepts what the AWS SDK signs: any region, a body, repeated and encoded query parameters, an encoded path', async () => {
    const requests = [
      await signed(),
      await signed({ method: 'POST', path: '/v2/images/spark-3.5', body: '{"username":"ubuntu"}', headers: { 'content-type': 'application/json' } }),
      await signed({ query: { tags: ['spark', '3.5'], name: 'a b/c' } }),
      await signed({ path: '/v2/images/an%20image%2Fwith%20slash' }),
      await signed({}, { region: 'ap-southeast-2' }),
    ];
    for (const request of requests)
      expect(await verdictOf(request), `${request.method} ${request.rawPath}?${request.rawQueryString}`).toEqual({ ok: true, key: KEY });
  });

  it('knows a signed request by its Authorization header', async () => {
    expect(isSigV4Signed((await signed()).headers)).toBe(true);
    expect(isSigV4Signed({ authorization: 'Bearer abc' })).toBe(false);
    expect(isSigV4Signed({})).toBe(false);
  });

  it.each<[string, () => Promise<ArrivedRequest>, RegExp]>([
    ['a wrong secret', () => signed({}, { secret: 'not-the-secret' }), /signature we calculated does not match/],
    [
      // The SDK sends the body's hash as X-Amz-Content-Sha256; botocore does not, and then the signature itself differs.
      'a body changed after signing',
      async () => ({ ...(await signed({ method: 'POST', body: '{"username":"a"}' })), body: Buffer.from('{"username":"b"}') }),
      /not the SHA-256 of the body/,
    ],
    [
      'a body changed after signing, signed as botocore does (no content hash header)',
      async () => ({ ...(await signed({ method: 'POST', body: '{"username":"a"}' }, { checksum: false })), body: Buffer.from('{"username":"b"}') }),
      /does not match/,
    ],
    ['a path changed after signing', async () => ({ ...(await signed({ path: '/v2/images/mine' })), rawPath: '/v2/images/yours' }), /does not match/],
    ['a query changed after signing', async () => ({ ...(await signed({ query: { tags: 'a' } })), rawQueryString: 'tags=b' }), /does not match/],
    ['a method changed after signing', async () => ({ ...(await signed({ path: '/v2/images/x' })), method: 'DELETE' }), /does not match/],
    [
      'an unknown access key',
      () => signed({}, { accessKeyId: 'AKIAUNKNOWN000000' }),
      /security token included in the request is invalid: no development key 'AKIAUNKNOWN000000'/,
    ],
    ['another service', () => signed({}, { service: 's3' }), /scoped to the service 'execute-api', not 's3'/],
    ['a date 6 minutes ago', () => signed({}, { at: NOW - 6 * 60_000 }), /Signature expired: it is dated 20261129T115400Z, more than 5 minutes/],
    ['a date 6 minutes ahead', () => signed({}, { at: NOW + 6 * 60_000 }), /Signature expired/],
    [
      'a signed header removed',
      async () => {
        const request = await signed({ headers: { 'x-custom': 'v' } });
        const { 'x-custom': _dropped, ...headers } = request.headers;
        return { ...request, headers };
      },
      /signed header 'x-custom' is not in the request/,
    ],
    [
      'a content hash that is not the body',
      () => signed({ method: 'POST', body: '{}', headers: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } }),
      /X-Amz-Content-Sha256 is not the SHA-256 of the body/,
    ],
    [
      'a garbled Authorization header',
      async () => ({ ...(await signed()), headers: { ...(await signed()).headers, authorization: 'AWS4-HMAC-SHA256 nonsense' } }),
      /is not AWS4-HMAC-SHA256 Credential=/,
    ],
    [
      'no X-Amz-Date',
      async () => {
        const { 'x-amz-date': _date, ...headers } = (await signed()).headers;
        return { ...(await signed()), headers };
      },
      /needs an X-Amz-Date header/,
    ],
  ])('refuses %s', async (_name, request, reason) => {
    const verdict = await verdictOf(await request());
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toMatch(reason);
  });

  it('accepts a date just inside 5 minutes', async () => {
    expect((await verdictOf(await signed({}, { at: NOW - 4 * 60_000 - 59_000 }))).ok).toBe(true);
  });
});

describe('REGISTRY_DEV_IAM_KEYS', () => {
  it('reads ACCESS_KEY:SECRET=ROLE_ARN entries, a secret holding = / + as AWS secrets may', () => {
    const keys = parseDevIamKeys(`AKIAONE000000001:a/b+c=d/efgh=${ROLE}, AKIATWO000000002:secret-two=arn:aws:iam::210987654321:role/publisher`);
    expect(keys.map(({ accessKeyId, secretAccessKey, roleArn }) => [accessKeyId, secretAccessKey, roleArn])).toEqual([
      ['AKIAONE000000001', 'a/b+c=d/efgh', ROLE],
      ['AKIATWO000000002', 'secret-two', 'arn:aws:iam::210987654321:role/publisher'],
    ]);
  });

  it.each([
    ['no role', 'AKIAONE000000001:secret-one', /'AKIAONE000000001:...' is not ACCESS_KEY:SECRET=ROLE_ARN/],
    ['no secret', `AKIAONE000000001=${ROLE}`, /is not ACCESS_KEY:SECRET=ROLE_ARN/],
    [
      'a user instead of a role',
      'AKIAONE000000001:secret-one=arn:aws:iam::123456789012:user/bob',
      /names 'arn:aws:iam::123456789012:user\/bob', not an IAM role ARN/,
    ],
    ['a short secret', `AKIAONE000000001:short=${ROLE}`, /the secret of 'AKIAONE000000001:...' is shorter than 8 characters/],
    ['an access key with symbols', `AKIA-ONE:secret-one=${ROLE}`, /the access key 'AKIA-ONE:...' is not 4-128 letters and digits/],
    ['a key given twice', `AKIAONE000000001:secret-one=${ROLE},AKIAONE000000001:secret-two=${ROLE}`, /'AKIAONE000000001' is given twice/],
    ['nothing', ' , ', /names no key/],
  ])('refuses %s with a message that never shows the secret', (_name, setting, message) => {
    let error: Error | undefined;
    try {
      parseDevIamKeys(setting);
    } catch (thrown) {
      error = thrown as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toMatch(/secret-one|secret-two|short=/);
  });

  it("stands for a session of the key's role, as API Gateway reports one: the session ARN without the role's path", () => {
    expect(iamCallerOf(KEY)).toEqual({
      accessKey: 'AKIADEVTEST000001',
      accountId: '123456789012',
      callerId: expect.stringMatching(/^AROA[0-9A-F]{17}:dev-AKIADEVTEST000001$/),
      cognitoIdentity: null,
      principalOrgId: null,
      userArn: 'arn:aws:sts::123456789012:assumed-role/image-finder/dev-AKIADEVTEST000001',
      userId: iamCallerOf(KEY).callerId,
    });
  });
});

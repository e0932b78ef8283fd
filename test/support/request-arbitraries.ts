import fc from 'fast-check';

/** A request as a client could send it: everything raw, nothing guaranteed well-formed. */
export interface FuzzRequest {
  readonly method: string;
  /** Path and query string, raw. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
}

const CATALOG_IDS = ['img-spark-35', 'img-spark-34', 'img-vanilla', 'img-storm', 'img-plain', 'img-saving'];
const TAGS = ['spark', '3.5', 'vanilla', 'a.b', 'x_y', 'ubuntu-22'];

const unicode = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
// toWellFormed: a lone surrogate cannot be percent-encoded; raw segments keep theirs.
const encoded = (text: fc.Arbitrary<string>) => text.map((value) => encodeURIComponent(value.toWellFormed()));

const malformedEscape = fc.constantFrom('%', '%z', '%zz', '%E0%A4%A', '%C0%AF', '%FF', '%u0041', '%%', '%2', '%00', '%0A');

/** A path segment: mostly plausible, often hostile. */
const segment = (plausible: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 8, arbitrary: plausible },
    { weight: 2, arbitrary: encoded(unicode(40)) },
    { weight: 1, arbitrary: unicode(20) },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('%2F', 'a%2Fb', '..', '.', '%2e%2e', 'img-plain%2F..', '%20', '+') },
    { weight: 1, arbitrary: malformedEscape },
    { weight: 1, arbitrary: fc.integer({ min: 256, max: 5_000 }).map((n) => 'i'.repeat(n)) },
  );

const tagValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TAGS) },
  { weight: 1, arbitrary: unicode(30) },
  { weight: 1, arbitrary: fc.constantFrom('', ',', 'spark,3.5', '-bad', 'bad-', 'a..b', 'abc\n') },
);

const queryPart = fc.oneof(
  { weight: 6, arbitrary: tagValue.map((tag) => `tags=${encodeURIComponent(tag.toWellFormed())}`) },
  { weight: 2, arbitrary: unicode(20).map((name) => `name=${encodeURIComponent(name.toWellFormed())}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(unicode(10), unicode(10))
      .map(([key, value]) => `${encodeURIComponent(key.toWellFormed())}=${encodeURIComponent(value.toWellFormed())}`),
  },
  { weight: 1, arbitrary: malformedEscape.map((sequence) => `tags=${sequence}`) },
  { weight: 1, arbitrary: fc.constantFrom('tags', 'tags=', '=', '&&', 'name', 'tags[]=a', 'tags=a=b') },
  // Paging and the image service's Glance parameters.
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'status', 'visibility', 'os_hidden'),
        fc.oneof(fc.constantFrom(...CATALOG_IDS, '0', '2', '-1', '1001', 'name:asc', 'size', 'desc', 'public', 'True', 'active'), unicode(12)),
      )
      .map(([key, value]) => `${key}=${encodeURIComponent(value.toWellFormed())}`),
  },
);

const query = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 6, arbitrary: fc.array(queryPart, { maxLength: 25 }).map((parts) => (parts.length ? `?${parts.join('&')}` : '')) },
  { weight: 1, arbitrary: fc.integer({ min: 21, max: 3_000 }).map((n) => `?${'tags=spark&'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 12_000 }).map((n) => `?name=${'n'.repeat(n)}`) },
);

/** Path shapes of the API and around it, each with the method that route serves. */
const path = (tenant: fc.Arbitrary<string>): fc.Arbitrary<[string, string]> => {
  const id = segment(fc.constantFrom(...CATALOG_IDS, 'img-unknown'));
  const base = tenant.map((t) => `/v1.1/${t}/images`);
  return fc.oneof(
    { weight: 3, arbitrary: base.map((b): [string, string] => [b, 'GET']) },
    { weight: 5, arbitrary: fc.tuple(base, id, fc.constantFrom('GET', 'POST', 'DELETE')).map(([b, i, m]): [string, string] => [`${b}/${i}`, m]) },
    { weight: 8, arbitrary: fc.tuple(base, id, fc.constantFrom('tag', 'untag')).map(([b, i, action]): [string, string] => [`${b}/${i}/${action}`, 'POST']) },
    { weight: 1, arbitrary: fc.tuple(base, id, segment(fc.constantFrom('tags', 'TAG', 'x'))).map(([b, i, s]): [string, string] => [`${b}/${i}/${s}`, 'POST']) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(base, fc.constantFrom('/', '//img-plain', '/img-plain/', '.json', '/img-plain/tag/x'), fc.boolean())
        .map(([b, suffix, doubled]): [string, string] => [`${doubled ? '/' : ''}${b}${suffix}`, 'GET']),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(segment(fc.constantFrom('v1.1', 'v2', 'images', 'x')), { maxLength: 8 })
        .map((parts): [string, string] => [`/${parts.join('/')}`, 'GET']),
    },
    // v2, with and without the tenant in the path.
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.constant('/v2/images'),
            tenant.map((t) => `/v2/${t}/images`),
          ),
          fc.option(id, { nil: undefined }),
          fc.constantFrom('', '/tags'),
        )
        .chain(([b, i, tags]) =>
          i === undefined
            ? fc.constant<[string, string]>([b, 'GET'])
            : fc.constantFrom('GET', 'POST', 'PUT', 'DELETE').map((m): [string, string] => [`${b}/${i}${tags}`, m]),
        ),
    },
    // The image service.
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom('/image', '/image/', '/image/versions', '/image/v2/images', '/image/v2/schemas/image', '/image/v2/schemas/x'),
          id.map((i) => `/image/v2/images/${i}`),
        )
        .map((p): [string, string] => [p, 'GET']),
    },
  );
};

const jsonText = (value: unknown) => Buffer.from(JSON.stringify(value));

const deepNesting = fc
  .tuple(fc.integer({ min: 1, max: 5_000 }), fc.constantFrom('tags', 'username', 'description'))
  .map(([depth, field]) => Buffer.from(`{"${field}": ${'['.repeat(depth)}${']'.repeat(depth)}}`));

const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.array(tagValue, { maxLength: 8 }).map((tags) => jsonText({ tags })) },
  {
    weight: 4,
    arbitrary: fc
      .record(
        { username: fc.oneof(fc.constantFrom('ubuntu', 'centos', ''), unicode(20)), description: fc.option(unicode(40), { nil: undefined }) },
        { requiredKeys: ['username'] },
      )
      .map(jsonText),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(jsonText) },
  { weight: 1, arbitrary: fc.record({ tags: fc.jsonValue({ maxDepth: 3 }), username: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }).map(jsonText) },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: fc.integer({ min: 51, max: 200 }).map((n) => jsonText({ tags: Array.from({ length: n }, (_, i) => `t${i}`) })) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 12_000 }).map((n) => jsonText({ tags: Array(n).fill('spark') })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{"tags": [', '{"tags": ["a"]}{', '{"username": "\ud800"}', 'null', '[]', '"x"', ' ').map((text) => Buffer.from(text)),
  },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), Buffer.from([0xc0, 0xaf]), Buffer.from('{"tags": ["\xe9"]}', 'latin1')) },
  { weight: 1, arbitrary: fc.constant(undefined).map(() => Buffer.alloc(1024 * 1024, 0x20)) },
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'text/plain',
      'application/json; charset=latin1',
      'application/merge-patch+json',
      '',
      'APPLICATION/JSON',
      'multipart/form-data; boundary=x',
      ';;',
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{0,40}$/) },
);

/**
 * Requests of every kind against the API, with the path tenant drawn from `tenant` (the caller's
 * own tenant mostly, so most requests get past auth and reach the store).
 */
export const fuzzRequest = (tenant: fc.Arbitrary<string>): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({
      route: path(tenant),
      otherMethod: fc.oneof(
        { weight: 24, arbitrary: fc.constant(undefined) },
        { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE') },
        { weight: 2, arbitrary: fc.constantFrom('PUT', 'PATCH', 'HEAD', 'OPTIONS') },
        { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,12}$/) },
      ),
      query,
      contentType,
      extraHeaders: fc.dictionary(fc.stringMatching(/^x-[a-z]{1,10}$/), fc.stringMatching(/^[\x20-\x7e]{0,200}$/), { maxKeys: 3 }),
      body,
    })
    .map(({ route: [path, method], otherMethod, query, contentType, extraHeaders, body }) => ({
      // Mostly the route's own method, so most requests get as far as the store.
      method: otherMethod ?? method,
      path: `${path}${query}`,
      headers: { ...extraHeaders, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
      body,
    }));

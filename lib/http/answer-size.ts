/**
 * How much one answer can carry. API Gateway's HTTP API hands a Lambda function's result through,
 * but Lambda refuses a synchronous invocation's result over 6 MB: the JSON of the whole proxy
 * result (status, headers, body), where the body is a JSON string, so every `"` and `\` of a JSON
 * answer takes two bytes, and a base64 body (isBase64Encoded: a gzip-compressed answer) 4 bytes
 * for every 3. Past it, API Gateway answers a bare 500.
 *
 *   Lambda's limit on the result ........................................ 6,291,456 bytes (6 MiB)
 *   kept for the status and the headers (RESULT_HEADROOM_BYTES) ........... 8,192
 *   so a body may take (ANSWER_BODY_BUDGET_BYTES) ......................... 6,283,264 bytes in the result
 *   a JSON body: its UTF-8 bytes plus one per `"` and `\` ................ an image list of about 5.4 MB
 *   a gzip body in base64 ................................................ 4,712,448 bytes compressed
 */
const LAMBDA_RESULT_LIMIT_BYTES = 6 * 1024 * 1024;
const RESULT_HEADROOM_BYTES = 8 * 1024;
export const ANSWER_BODY_BUDGET_BYTES = LAMBDA_RESULT_LIMIT_BYTES - RESULT_HEADROOM_BYTES;

/** The most bytes a compressed body may have: base64 takes 4 characters for every 3 bytes. */
export const MAX_COMPRESSED_BYTES = Math.floor(ANSWER_BODY_BUDGET_BYTES / 4) * 3;

/**
 * The bytes a JSON text takes as a string inside the proxy result: its UTF-8, and a backslash
 * before each `"` and `\`. `utf8Bytes` when the caller has counted them already (a 3.5 MB list: 0.5 ms).
 */
export const bytesInResult = (json: string, utf8Bytes = Buffer.byteLength(json)): number => {
  let escapes = 0;
  for (let i = json.indexOf('"'); i !== -1; i = json.indexOf('"', i + 1)) escapes++;
  for (let i = json.indexOf('\\'); i !== -1; i = json.indexOf('\\', i + 1)) escapes++;
  return utf8Bytes + escapes;
};

/**
 * Where an array carries its quotedCount, counted by what built it from what it knows of their
 * shape (renderImages counts a list's images from their records): at 10,000 images, 0.1 ms in the
 * handler where a walk of the rendered answer took 3.5 to 5.
 */
const QUOTED_COUNT = Symbol('quoted count');

/** `array`, carrying `count` (its quotedCount) for bytesInResultAtMost. */
export const withQuotedCount = <T extends unknown[]>(array: T, count: number): T => Object.defineProperty(array, QUOTED_COUNT, { value: count });

/**
 * At least the strings and object keys JSON.stringify writes for `value`, each of which is two
 * quotes in its text. `toJSON` is looked for only where it can be: on an object that is not plain
 * (a Date, a class instance) or as an own key; looking it up on every plain object, through its
 * prototype chain, and listing keys with Object.keys made the walk three times as long. A key
 * inherited from a polluted prototype counts too: too many is safe.
 */
export const quotedCount = (value: unknown): number => {
  if (typeof value === 'string') return 1;
  if (value === null || typeof value !== 'object') return 0;
  let count = 0;
  if (Array.isArray(value)) {
    const counted = (value as { [QUOTED_COUNT]?: number })[QUOTED_COUNT];
    if (counted !== undefined) return counted;
    for (let i = 0; i < value.length; i++) count += quotedCount(value[i]);
    return count;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return quotedCount((value as { toJSON: () => unknown }).toJSON());
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item === 'function') {
      if (key === 'toJSON') return quotedCount((item as () => unknown).call(value));
    } else if (item !== undefined && typeof item !== 'symbol') count += 1 + quotedCount(item);
  }
  return count;
};

/**
 * At least `bytesInResult(json)` for `json = JSON.stringify(value)`, without looking for every `"`
 * in the text (which takes 4 to 5 ms for a list of 10,000 images). The text's
 * quotes are two per key and per string, plus one per `"` inside a string, each of which stands
 * after a `\`; so its escapes are at most 2 x (keys + strings) + 2 x (its backslashes), and
 * backslashes, being few, are quick to count.
 */
export const bytesInResultAtMost = (json: string, utf8Bytes: number, value: unknown): number => {
  let backslashes = 0;
  for (let i = json.indexOf('\\'); i !== -1; i = json.indexOf('\\', i + 1)) backslashes++;
  return utf8Bytes + 2 * quotedCount(value) + 2 * backslashes;
};

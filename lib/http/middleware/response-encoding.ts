import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { acceptsGzip } from '../accept-encoding.ts';
import { ANSWER_BODY_BUDGET_BYTES, bytesInResult, bytesInResultAtMost, MAX_COMPRESSED_BYTES } from '../answer-size.ts';
import { apiErrors, HttpError } from '../api-errors.ts';
import type { ApiEvent, ApiResult } from '../api-types.ts';
import type { SerializedAnswer } from './json-response.ts';

/**
 * Below TCP's initial window (10 segments, about 14 KB) an answer takes one round trip, compressed
 * or not; above it, compressing saves round trips for a fraction of a millisecond of gzip.
 */
export const GZIP_THRESHOLD_BYTES = 8 * 1024;

/** Answers depend on Accept-Encoding: a cache must not hand a compressed one to a client that did not ask for it. */
export const VARY_ENCODING = 'Accept-Encoding';

/** node:zlib takes about 2 ms to load: a cold start pays it only when it has something to compress. */
let zlib: Promise<typeof import('node:zlib')> | undefined;

/**
 * gzip, fast first (level 1: a quarter of the default level's time for about a tenth more bytes),
 * and with the default level only when the fast result does not fit; undefined when neither does.
 */
const gzipToFit = async (body: string): Promise<Buffer | undefined> => {
  zlib ??= import('node:zlib');
  const { constants, gzipSync } = await zlib;
  for (const level of [constants.Z_BEST_SPEED, constants.Z_DEFAULT_COMPRESSION]) {
    const compressed = gzipSync(body, { level });
    if (compressed.length <= MAX_COMPRESSED_BYTES) return compressed;
  }
  return undefined;
};

const tooLarge = (body: string, gzipAccepted: boolean) =>
  new HttpError(
    apiErrors.responseTooLarge,
    `The answer is ${Buffer.byteLength(body)} bytes of JSON, more than one answer can carry${gzipAccepted ? ', even gzip-compressed' : ''}: ` +
      `ask for it a page at a time with limit (up to 1000) and marker${gzipAccepted ? '' : ', or accept gzip (Accept-Encoding: gzip)'}`,
    { vary: VARY_ENCODING },
  );

/** Whether a JSON body fits Lambda's result: escaping at most doubles it, so only a large one is sized, by a bound first and by counting only if the bound does not fit. */
const fitsResult = (body: string, size: number, value: unknown): boolean =>
  size * 2 <= ANSWER_BODY_BUDGET_BYTES ||
  (value !== undefined && bytesInResultAtMost(body, size, value) <= ANSWER_BODY_BUDGET_BYTES) ||
  bytesInResult(body, size) <= ANSWER_BODY_BUDGET_BYTES;

/**
 * Runs after the answer is serialized: a body over GZIP_THRESHOLD_BYTES is gzip-compressed when the
 * client accepts it (a binary answer, isBase64Encoded, which API Gateway passes through). A body
 * that would not fit Lambda's result (lib/http/answer-size.ts) is refused with 400
 * RESPONSE_TOO_LARGE instead of the bare 500 API Gateway would answer.
 */
export const responseEncoding = (): MiddlewareObj<ApiEvent, ApiResult, Error, Context, SerializedAnswer> => ({
  after: async (request) => {
    const result = request.response;
    const body = result?.body;
    if (!result || !body || result.isBase64Encoded) return;
    const headers = { ...result.headers, vary: VARY_ENCODING };
    const size = Buffer.byteLength(body);
    const gzipAccepted = acceptsGzip(request.event.headers?.['accept-encoding']);
    if (gzipAccepted && size >= GZIP_THRESHOLD_BYTES) {
      const compressed = await gzipToFit(body);
      if (!compressed) throw tooLarge(body, true);
      request.response = { ...result, headers: { ...headers, 'content-encoding': 'gzip' }, body: compressed.toString('base64'), isBase64Encoded: true };
      return;
    }
    if (!fitsResult(body, size, request.internal.answerBody)) throw tooLarge(body, gzipAccepted);
    request.response = { ...result, headers };
  },
});

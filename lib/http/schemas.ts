import * as z from 'zod/mini';
import { builtOnce } from '../built-once.ts';
import { ID_ORDER, parseSortBy, SORT_BY_VALUES, sortByOf } from '../registry/list-order.ts';
import { isValidTag, MAX_TAG_LENGTH, MAX_TAGS_PER_QUERY, TAG_PATTERN } from '../registry/tag-rules.ts';
import { decodeMarker } from './list-marker.ts';

/**
 * The one definition of every request shape. Bodies are strict: an unknown field is refused.
 * Messages are written for the caller; formatIssues() prefixes each with the field it concerns.
 * Each schema is built on its first use (builtOnce): a function builds its own operation's only.
 */
const quote = (value: unknown) => {
  const text = String(value);
  return `'${text.length > 64 ? `${text.slice(0, 64)}...` : text}'`;
};

const string = (what: string) => z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

const tag = () =>
  string('a string').check(
    z.refine(isValidTag, {
      error: (issue) =>
        typeof issue.input === 'string' && issue.input.length > MAX_TAG_LENGTH
          ? `is longer than ${MAX_TAG_LENGTH} characters`
          : `${quote(issue.input)} is not a valid tag`,
    }),
    // For the OpenAPI description: what the refinement checks.
    z.meta({ description: "Upstream's valid_tag: dot-separated labels of letters, digits, - and _", pattern: TAG_PATTERN.source, maxLength: MAX_TAG_LENGTH }),
  );

const tagList = () => z.array(tag(), { error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array of strings') });

// \P{C}: no control, format (bidi overrides among them), surrogate, private-use or unassigned code points.
const PRINTABLE = /^\P{C}*$/u;
// Text another user reads in a terminal: printable, with lines and tabs, but no escape sequence,
// carriage return or bidi override that could rewrite or reorder what they see.
const PRINTABLE_TEXT = /^[\P{C}\n\t]*$/u;

export const registerImageBody = builtOnce(() =>
  z.strictObject(
    {
      username: string('a string of 1-255 printable characters').check(
        z.minLength(1, 'must not be empty'),
        z.maxLength(255, 'must be at most 255 characters'),
        z.regex(PRINTABLE, 'must contain printable characters only'),
      ),
      description: z.optional(
        string('a string').check(
          z.maxLength(1024, 'must be at most 1024 characters'),
          z.regex(PRINTABLE_TEXT, 'must contain printable characters, newlines and tabs only'),
        ),
      ),
    },
    { error: unknownOrNotObject },
  ),
);

export const tagsBody = builtOnce(() => z.strictObject({ tags: tagList() }, { error: unknownOrNotObject }));

export const MAX_PAGE_LIMIT = 1000;

/** Request bodies are small JSON objects; anything larger is refused before it is parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A transform's way to refuse its input (zod/mini's transforms have no addIssue). */
const refuse = (payload: z.core.ParsePayload, message: string) => {
  payload.issues.push({ code: 'custom', message, input: payload.value });
  return z.NEVER;
};

const listImagesFilters = () =>
  z.object({
    tags: z.array(z.string()).check(z.maxLength(MAX_TAGS_PER_QUERY, `may name at most ${MAX_TAGS_PER_QUERY} tags`)),
    name: z.optional(z.string()),
    // Upstream's v2 accepts it and filters nothing by it; so do we.
    username: z.optional(z.string()),
    limit: z.optional(
      z
        .pipe(z.string().check(z.regex(/^[0-9]{1,4}$/, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)), z.transform(Number))
        .check(z.refine((limit) => limit >= 1 && limit <= MAX_PAGE_LIMIT, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)),
    ),
    marker: z.optional(
      z.pipe(
        z.string(),
        z.transform((marker: string, payload) => decodeMarker(marker) ?? refuse(payload, `${quote(marker)} is not a marker this service gave out`)),
      ),
    ),
    // Sahara v2's convention; empty is the default order, as upstream reads it.
    sort_by: z.optional(
      z.pipe(
        z.string().check(z.meta({ enum: ['', ...SORT_BY_VALUES] })),
        z.transform((sortBy: string, payload) =>
          sortBy === ''
            ? undefined
            : (parseSortBy(sortBy) ?? refuse(payload, `${quote(sortBy)} is not an order to sort by; use one of ${SORT_BY_VALUES.join(', ')}`)),
        ),
      ),
    ),
    // Python clients send booleans as True and False.
    include_deprecated: z.optional(
      z.pipe(
        z.string().check(
          z.meta({ enum: ['true', 'false'] }),
          z.refine((value) => /^(?:true|false)$/i.test(value), 'must be true or false'),
        ),
        z.transform((value: string) => value.toLowerCase() === 'true'),
      ),
    ),
  });

type ListImagesFilters = z.output<ReturnType<typeof listImagesFilters>>;

/** A marker belongs to the order it was given out in: a walk along `next` keeps its sort_by. */
const markerMatchesOrder = (context: z.core.ParsePayload<ListImagesFilters>) => {
  const { marker, sort_by: order } = context.value;
  const requested = sortByOf(order ?? ID_ORDER);
  if (marker === undefined || sortByOf(marker.order) === requested) return;
  context.issues.push({
    code: 'custom',
    path: ['marker'],
    input: context.value,
    message: `was given out for sort_by=${sortByOf(marker.order)}, not ${requested}; send the sort_by it came with`,
  });
};

/**
 * The list filters, read from the query string: `tags` may repeat and every value is one tag (a
 * comma is part of it, as upstream). Unknown parameters are dropped here; v2 refuses them first
 * (lib/http/middleware.ts), v1.1 ignores them.
 */
export const listImagesQuery = builtOnce(() =>
  z.pipe(
    z.transform((params: unknown) =>
      params instanceof URLSearchParams
        ? Object.fromEntries([
            ['tags', params.getAll('tags')],
            ...(['name', 'username', 'limit', 'marker', 'sort_by', 'include_deprecated'] as const).map((key) => [key, params.get(key) ?? undefined]),
          ])
        : params,
    ),
    listImagesFilters().check(markerMatchesOrder),
  ),
);

function unknownOrNotObject(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'unrecognized_keys') {
    const fields = (issue as { keys?: string[] }).keys ?? [];
    return `unknown field${fields.length > 1 ? 's' : ''} ${fields.map(quote).join(', ')}`;
  }
  if (issue.code === 'invalid_type') return 'must be a JSON object';
  return undefined;
}

const formatPath = (path: readonly PropertyKey[]) =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');

/** `tags[1]: 'bad tag' is not a valid tag; username: is required` */
export const formatIssues = (error: z.core.$ZodError, root = 'request body'): string =>
  error.issues.map((issue) => `${formatPath(issue.path) || root}: ${issue.message}`).join('; ');

import * as z from 'zod';
import { ID_ORDER, parseSortBy, SORT_BY_VALUES, sortByOf } from '../registry/list-order.ts';
import { isValidTag, MAX_TAG_LENGTH, MAX_TAGS_PER_QUERY, TAG_PATTERN } from '../registry/tag-rules.ts';
import { decodeMarker } from './list-marker.ts';

/**
 * The one definition of every request shape. Bodies are strict: an unknown field is refused.
 * Messages are written for the caller; formatIssues() prefixes each with the field it concerns.
 */
const quote = (value: unknown) => {
  const text = String(value);
  return `'${text.length > 64 ? `${text.slice(0, 64)}...` : text}'`;
};

const string = (what: string) => z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

const tag = string('a string')
  .refine(isValidTag, {
    error: (issue) =>
      typeof issue.input === 'string' && issue.input.length > MAX_TAG_LENGTH
        ? `is longer than ${MAX_TAG_LENGTH} characters`
        : `${quote(issue.input)} is not a valid tag`,
  })
  // For the OpenAPI description: what the refinement checks.
  .meta({ description: "Upstream's valid_tag: dot-separated labels of letters, digits, - and _", pattern: TAG_PATTERN.source, maxLength: MAX_TAG_LENGTH });

const tagList = z.array(tag, { error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array of strings') });

// \P{C}: no control, format (bidi overrides among them), surrogate, private-use or unassigned code points.
const PRINTABLE = /^\P{C}*$/u;
// Text another user reads in a terminal: printable, with lines and tabs, but no escape sequence,
// carriage return or bidi override that could rewrite or reorder what they see.
const PRINTABLE_TEXT = /^[\P{C}\n\t]*$/u;

export const registerImageBody = z.strictObject(
  {
    username: string('a string of 1-255 printable characters')
      .min(1, 'must not be empty')
      .max(255, 'must be at most 255 characters')
      .regex(PRINTABLE, 'must contain printable characters only'),
    description: string('a string')
      .max(1024, 'must be at most 1024 characters')
      .regex(PRINTABLE_TEXT, 'must contain printable characters, newlines and tabs only')
      .optional(),
  },
  { error: unknownOrNotObject },
);

export const tagsBody = z.strictObject({ tags: tagList }, { error: unknownOrNotObject });

export const MAX_PAGE_LIMIT = 1000;

/** Request bodies are small JSON objects; anything larger is refused before it is parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

const listImagesFilters = z.object({
  tags: z.array(z.string()).max(MAX_TAGS_PER_QUERY, `may name at most ${MAX_TAGS_PER_QUERY} tags`),
  name: z.string().optional(),
  // Upstream's v2 accepts it and filters nothing by it; so do we.
  username: z.string().optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
    .transform(Number)
    .refine((limit) => limit >= 1 && limit <= MAX_PAGE_LIMIT, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
    .optional(),
  marker: z
    .string()
    .transform((marker, context) => {
      const decoded = decodeMarker(marker);
      if (decoded === undefined) context.addIssue({ code: 'custom', message: `${quote(marker)} is not a marker this service gave out` });
      return decoded ?? z.NEVER;
    })
    .optional(),
  // Sahara v2's convention; empty is the default order, as upstream reads it.
  sort_by: z
    .string()
    .meta({ enum: ['', ...SORT_BY_VALUES] })
    .transform((sortBy, context) => {
      if (sortBy === '') return undefined;
      const order = parseSortBy(sortBy);
      if (order === undefined)
        context.addIssue({ code: 'custom', message: `${quote(sortBy)} is not an order to sort by; use one of ${SORT_BY_VALUES.join(', ')}` });
      return order ?? z.NEVER;
    })
    .optional(),
  // Python clients send booleans as True and False.
  include_deprecated: z
    .string()
    .meta({ enum: ['true', 'false'] })
    .refine((value) => /^(?:true|false)$/i.test(value), 'must be true or false')
    .transform((value) => value.toLowerCase() === 'true')
    .optional(),
});

/** A marker belongs to the order it was given out in: a walk along `next` keeps its sort_by. */
const markerMatchesOrder = listImagesFilters.check((context) => {
  const { marker, sort_by: order } = context.value;
  const requested = sortByOf(order ?? ID_ORDER);
  if (marker === undefined || sortByOf(marker.order) === requested) return;
  context.issues.push({
    code: 'custom',
    path: ['marker'],
    input: context.value,
    message: `was given out for sort_by=${sortByOf(marker.order)}, not ${requested}; send the sort_by it came with`,
  });
});

/**
 * The list filters, read from the query string: `tags` may repeat and every value is one tag (a
 * comma is part of it, as upstream). Unknown parameters are dropped here; v2 refuses them first
 * (lib/http/middleware.ts), v1.1 ignores them.
 */
export const listImagesQuery = z.preprocess(
  (params) =>
    params instanceof URLSearchParams
      ? Object.fromEntries([
          ['tags', params.getAll('tags')],
          ...(['name', 'username', 'limit', 'marker', 'sort_by', 'include_deprecated'] as const).map((key) => [key, params.get(key) ?? undefined]),
        ])
      : params,
  markerMatchesOrder,
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
export const formatIssues = (error: z.ZodError, root = 'request body'): string =>
  error.issues.map((issue) => `${formatPath(issue.path) || root}: ${issue.message}`).join('; ');

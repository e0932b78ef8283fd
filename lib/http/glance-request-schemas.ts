import * as z from 'zod/mini';
import { builtOnce } from '../built-once.ts';

const quote = (value: string) => `'${value.length > 64 ? `${value.slice(0, 64)}...` : value}'`;

const CATALOG_LIST_PARAMETERS = ['name', 'status', 'visibility', 'os_hidden', 'sort', 'sort_key', 'sort_dir', 'limit', 'marker'] as const;

/** Glance's sort keys (glance/api/v2/images.py, _available_sort_keys). */
const SORT_KEYS = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at'] as const;
type SortKey = (typeof SORT_KEYS)[number];
export interface SortOrder {
  readonly key: SortKey;
  readonly dir: 'asc' | 'desc';
}

// Glance reads booleans with oslo's strict bool_from_string.
const TRUE = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE = ['0', 'f', 'false', 'off', 'n', 'no'];

const isSortKey = (key: string): key is SortKey => (SORT_KEYS as readonly string[]).includes(key);

/**
 * Glance's two sorting syntaxes, with its messages: `sort=name:asc,size` (a direction defaults to
 * desc), or `sort_key` (repeatable) with one `sort_dir` for all or one per key. Empty when none.
 */
const sortOrder = (
  { sort, sort_key: keys = [], sort_dir: dirs = [] }: { sort?: string | undefined; sort_key?: string[]; sort_dir?: string[] },
  payload: z.core.ParsePayload,
): SortOrder[] => {
  const fail = (message: string) => {
    payload.issues.push({ code: 'custom', message, input: payload.value, path: [sort === undefined ? 'sort_key' : 'sort'] });
    return [];
  };
  const pairs: [string, string][] = [];
  if (sort !== undefined) {
    if (keys.length > 0 || dirs.length > 0) return fail('Old and new sorting syntax cannot be combined');
    for (const part of sort.trim().split(',')) {
      const [key = '', dir = 'desc'] = part.split(':', 2);
      pairs.push([key.trim(), dir.trim() || 'desc']);
    }
  } else {
    if (dirs.length > 1 && dirs.length !== keys.length) return fail('Number of sort dirs does not match the number of sort keys');
    for (const [i, key] of keys.entries()) pairs.push([key.trim(), (dirs.length > 1 ? dirs[i]! : (dirs[0] ?? 'desc')).trim()]);
    if (keys.length === 0 && dirs.length > 0) pairs.push(['created_at', dirs[0]!.trim()]);
  }
  const orders: SortOrder[] = [];
  for (const [key, dir] of pairs) {
    if (!isSortKey(key)) return fail(`Invalid sort key: ${quote(key)}. It must be one of the following: ${SORT_KEYS.join(', ')}.`);
    if (dir !== 'asc' && dir !== 'desc') return fail(`Invalid sort direction: ${quote(dir)}`);
    orders.push({ key, dir });
  }
  return orders;
};

/**
 * The image service's list query: the Glance parameters this catalog can answer. `name` (exact),
 * `status` (Glance's lower-case one), `visibility` and `os_hidden` (openstacksdk's find_image asks
 * for hidden images when a name is not found; catalog images are public and never hidden), Glance's
 * sorting (`sort`, or `sort_key` and `sort_dir`; `glance image-list` sends name asc), `limit` (an
 * integer from 0; above 1000 it is capped) and `marker` (the last id of the previous page). Any
 * other Glance filter is refused rather than ignored, so a filtered list is never silently another.
 */
export const listCatalogImagesQuery = builtOnce(() =>
  z.pipe(
    z.transform((params: unknown) =>
      params instanceof URLSearchParams
        ? Object.fromEntries([...new Set(params.keys())].map((key) => [key, key === 'sort_key' || key === 'sort_dir' ? params.getAll(key) : params.get(key)]))
        : params,
    ),
    z.pipe(
      z.strictObject(
        {
          name: z.optional(z.string()),
          status: z.optional(z.string()),
          visibility: z.optional(
            z.enum(['public', 'private', 'shared', 'community', 'all'], { error: (issue) => `Invalid visibility value: ${quote(String(issue.input))}` }),
          ),
          os_hidden: z.optional(
            z.pipe(
              z.string().check(
                z.toLowerCase(),
                z.refine((value) => TRUE.includes(value) || FALSE.includes(value), 'os_hidden must be a boolean'),
              ),
              z.transform((value: string) => TRUE.includes(value)),
            ),
          ),
          sort: z.optional(z.string()),
          sort_key: z.optional(z.array(z.string())),
          sort_dir: z.optional(z.array(z.string())),
          limit: z.optional(z.pipe(z.string().check(z.regex(/^[0-9]{1,9}$/, 'limit param must be an integer from 0')), z.transform(Number))),
          marker: z.optional(z.string().check(z.minLength(1, 'marker must name an image'))),
        },
        {
          error: (issue) => {
            if (issue.code !== 'unrecognized_keys') return undefined;
            const names = ((issue as { keys?: string[] }).keys ?? []).map(quote).join(', ');
            return `unsupported parameter ${names}; this image service reads ${CATALOG_LIST_PARAMETERS.join(', ')}`;
          },
        },
      ),
      z.transform(
        (
          {
            sort,
            sort_key,
            sort_dir,
            ...rest
          }: { sort?: string | undefined; sort_key?: string[] | undefined; sort_dir?: string[] | undefined } & Record<string, unknown>,
          payload,
        ) => ({ ...rest, sort: sortOrder({ sort, sort_key, sort_dir }, payload) }),
      ),
    ),
  ),
);

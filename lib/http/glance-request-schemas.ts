import * as z from 'zod';

const quote = (value: string) => `'${value.length > 64 ? `${value.slice(0, 64)}...` : value}'`;

const CATALOG_LIST_PARAMETERS = ['name', 'limit', 'marker'] as const;

/**
 * The image service's list query, Glance's parameters this catalog can answer: `name` (exact),
 * `limit` (as Glance: an integer from 0; above 1000 it is capped) and `marker` (the last id of the
 * previous page). Any other Glance filter is refused rather than ignored, so a filtered list is
 * never silently a different one.
 */
export const listCatalogImagesQuery = z.preprocess(
  (params) => (params instanceof URLSearchParams ? Object.fromEntries([...new Set(params.keys())].map((key) => [key, params.get(key)])) : params),
  z.strictObject(
    {
      name: z.string().optional(),
      limit: z
        .string()
        .regex(/^[0-9]{1,9}$/, 'limit param must be an integer from 0')
        .transform(Number)
        .optional(),
      marker: z.string().min(1, 'marker must name an image').optional(),
    },
    {
      error: (issue) => {
        if (issue.code !== 'unrecognized_keys') return undefined;
        const names = ((issue as { keys?: string[] }).keys ?? []).map(quote).join(', ');
        return `unsupported parameter ${names}; this image service reads ${CATALOG_LIST_PARAMETERS.join(', ')}`;
      },
    },
  ),
);

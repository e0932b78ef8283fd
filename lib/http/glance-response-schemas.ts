import * as z from 'zod';

/**
 * The shapes the read-only image service answers in, Glance v2's (glance/api/v2/images.py and
 * glance/api/versions.py). The functions never build these; renderGlanceImage() is typed by them
 * and the OpenAPI description is generated from them.
 */
const timestamp = z.string().nullable().meta({ description: 'ISO 8601 UTC to the second; null when the catalog does not know it' });
const unknownToTheCatalog = z.null().meta({ description: 'Not known to the catalog' });

export const glanceImage = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    status: z.string().meta({ description: "Glance's lower-case status: active, saving, queued, killed, deleted, deactivated" }),
    visibility: z.literal('public').meta({ description: "Every tenant of the registry sees the catalog's images" }),
    protected: z.literal(false),
    os_hidden: z.literal(false),
    min_disk: z.number().int().meta({ description: 'GiB' }),
    min_ram: z.number().int().meta({ description: 'MB' }),
    size: z.number().int().meta({ description: 'Bytes' }),
    virtual_size: unknownToTheCatalog,
    disk_format: z.string().nullable().meta({ description: 'ami for AMIs; from the static catalog file; else null' }),
    container_format: z.string().nullable().meta({ description: 'ami for AMIs; from the static catalog file; else null' }),
    checksum: unknownToTheCatalog,
    os_hash_algo: unknownToTheCatalog,
    os_hash_value: unknownToTheCatalog,
    owner: z.string().nullable().meta({ description: "The image's owner in the catalog: an AMI's AWS account on the ec2 catalog; else null" }),
    created_at: timestamp,
    updated_at: timestamp,
    tags: z.array(z.string()).meta({ description: "Glance's own tags: always empty; the registry's tags are Sahara's, per tenant" }),
    self: z.string().meta({ description: '/v2/images/{id}, relative to the image service' }),
    file: z.string().meta({ description: '/v2/images/{id}/file (no image data is served)' }),
    schema: z.literal('/v2/schemas/image'),
  })
  .meta({ description: 'An image of the catalog as Glance v2 renders one' });

export type GlanceImage = z.infer<typeof glanceImage>;

export const glanceImageList = z.strictObject({
  images: z.array(glanceImage),
  first: z.string().meta({ description: '/v2/images with the query, without marker' }),
  next: z.string().optional().meta({ description: 'The next page, present when there is one: /v2/images?...&marker=<last id>' }),
  schema: z.literal('/v2/schemas/images'),
});

export const glanceVersions = z.strictObject({
  versions: z.array(
    z.strictObject({
      id: z.string().meta({ examples: ['v2.0'] }),
      status: z.string().meta({ examples: ['CURRENT'] }),
      links: z.array(z.strictObject({ rel: z.literal('self'), href: z.string().meta({ description: 'Absolute: <base>/image/v2/' }) })),
    }),
  ),
});

export const glanceError = z
  .strictObject({
    code: z.string().meta({ examples: ['404 Not Found'] }),
    title: z.string().meta({ examples: ['Not Found'] }),
    message: z.string(),
  })
  .meta({ description: "Glance's (webob's) JSON error body, sent when the request accepts application/json; otherwise the same as text/plain" });

export const glanceSchema = z
  .looseObject({ name: z.enum(['image', 'images']), properties: z.record(z.string(), z.unknown()), links: z.array(z.unknown()) })
  .meta({ description: "A JSON schema in Glance's form (name, properties, links)" });

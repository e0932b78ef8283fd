import * as z from 'zod';
import { glanceImage, glanceImageList, glanceSchema, glanceVersions } from './glance-response-schemas.ts';

/**
 * The shapes of what the API answers. renderImage() is typed by them, and the OpenAPI description
 * (infra/openapi/) is generated from them, so the description is what the service sends.
 */
const timestamp = z.string().meta({ description: 'ISO 8601 UTC to the second', examples: ['2015-02-03T10:28:39Z'] });

export const saharaImage = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    username: z.string().meta({ description: 'The login user name; "" when the image is not registered' }),
    description: z.string(),
    tags: z.array(z.string()).meta({ description: 'Sorted, without duplicates' }),
    metadata: z.record(z.string(), z.union([z.string(), z.boolean()])).meta({
      description:
        "_sahara_username, _sahara_description (when set), _sahara_tag_<tag>: true for each tag, deprecation_time when the catalog knows it, and owner: the image's owner in the catalog (an AMI's account), where it has one",
    }),
    status: z.string(),
    progress: z.number(),
    minDisk: z.number(),
    minRam: z.number(),
    'OS-EXT-IMG-SIZE:size': z.number(),
    created: timestamp,
    updated: timestamp,
  })
  .meta({ description: 'An image as upstream Sahara renders it, field for field' });

export type SaharaImage = z.infer<typeof saharaImage>;

export const imageResponse = z.strictObject({ image: saharaImage });

/**
 * v2's PUT .../tags: the image under `image`, as upstream answers, and its fields at the top level
 * too, because python-saharaclient's v2 update_tags() (and the CLI's tag commands) read them there.
 */
export const imageAndFieldsResponse = z
  .strictObject({ image: saharaImage, ...saharaImage.shape })
  .meta({ description: 'The image under "image", and its fields again at the top level for python-saharaclient\'s v2 update_tags()' });

const marker = z.string().nullable().meta({ description: 'Opaque; pass it as `marker` for that page. null: there is none' });

export const imageListResponse = z.strictObject({
  images: z.array(saharaImage),
  markers: z.strictObject({ prev: marker, next: marker }).optional().meta({ description: 'Present when the request gave `limit` or `marker`' }),
});

export const tagListResponse = z.strictObject({ tags: z.array(z.string()).meta({ description: 'Sorted' }) });

export const errorResponse = z
  .strictObject({
    error_code: z.number().int().meta({ description: 'The HTTP status' }),
    error_name: z.string(),
    error_message: z.string().meta({ description: 'Ends with "\\nError ID: req-<request id>", the x-openstack-request-id header' }),
    min_version: z.string().optional().meta({ description: 'v2 406 and 400 for OpenStack-API-Version: the lowest version served (2.0)' }),
    max_version: z.string().optional().meta({ description: 'v2 406 and 400 for OpenStack-API-Version: the highest version served (2.0)' }),
  })
  .meta({ description: "Upstream Sahara's error body" });

/**
 * The success bodies by the name operation contracts give them. Only the OpenAPI generator reads the
 * schemas: a function names its answer and never builds these at its cold start.
 */
export const responseSchemas = {
  image: imageResponse,
  imageAndFields: imageAndFieldsResponse,
  imageList: imageListResponse,
  tagList: tagListResponse,
  glanceVersions,
  glanceImage,
  glanceImageList,
  glanceSchema,
} as const;

export type ResponseSchemaName = keyof typeof responseSchemas;

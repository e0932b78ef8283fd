import type * as z from 'zod/mini';
import type { OperationName } from '../routes.ts';
import { apiErrors, type ErrorCase } from './api-errors.ts';
import { listCatalogImagesQuery } from './glance-request-schemas.ts';
import type { ResponseSchemaName } from './response-schemas.ts';
import { listImagesQuery, registerImageBody, tagsBody } from './schemas.ts';

/**
 * What one operation reads and answers: the schemas its handler validates with, its success (the
 * status every success answers with, and the body's shape) and the errors of its own (the HTTP
 * edge's are added by the route's traits). httpHandler() reads the schemas and the status from
 * here and the OpenAPI description is generated from it, so the two cannot disagree.
 */
export interface OperationContract {
  /** The schemas, built when first asked for (lib/built-once.ts): a function builds only its own operation's. */
  readonly body?: () => z.ZodMiniType;
  readonly query?: () => z.ZodMiniType;
  readonly success: { readonly status: 200 | 202 | 204; readonly description: string; readonly schema?: ResponseSchemaName };
  readonly errors: readonly ErrorCase[];
}

const { imageNotFound: notFound, tagLimitExceeded: tagLimit } = apiErrors;

export const contracts = {
  'list-images': {
    query: listImagesQuery,
    success: {
      status: 200,
      description: 'Registered images matching every tag and the name, in the sort_by order (by id by default); one page of them with limit or marker',
      schema: 'imageList',
    },
    errors: [apiErrors.responseTooLarge],
  },
  'show-image': {
    success: { status: 200, description: 'The image', schema: 'image' },
    errors: [notFound, apiErrors.imageNotRegistered],
  },
  'register-image': {
    body: registerImageBody,
    success: { status: 202, description: 'The registered image', schema: 'image' },
    errors: [notFound],
  },
  'unregister-image': {
    success: { status: 204, description: 'Unregistered (also when it was not registered)' },
    errors: [notFound],
  },
  'tag-image': {
    body: tagsBody,
    success: { status: 202, description: 'The image with the tags added', schema: 'image' },
    errors: [notFound, tagLimit],
  },
  'untag-image': {
    body: tagsBody,
    success: { status: 202, description: 'The image with the tags removed', schema: 'image' },
    errors: [notFound],
  },
  'get-image-tags': {
    success: { status: 200, description: "The image's tags, registered or not", schema: 'tagList' },
    errors: [notFound],
  },
  'replace-image-tags': {
    body: tagsBody,
    success: { status: 200, description: 'The image carrying exactly the given tags, also at the top level', schema: 'imageAndFields' },
    errors: [notFound, tagLimit],
  },
  'delete-image-tags': {
    success: { status: 204, description: 'Every tag removed (also when there were none)' },
    errors: [notFound],
  },
  'image-service-versions': {
    // Glance answers its root with 300 Multiple Choices and /versions with 200. keystoneauth reads
    // either; glanceclient refuses a 300 anywhere but at /versions, so both answer 200.
    success: { status: 200, description: 'The version document: v2, linking to <base>/image/v2/', schema: 'glanceVersions' },
    errors: [],
  },
  'show-catalog-schema': {
    success: {
      status: 200,
      description: "Glance's JSON schema of an image (schemas/image) or a list (schemas/images), for these fields",
      schema: 'glanceSchema',
    },
    errors: [],
  },
  'show-catalog-image': {
    success: { status: 200, description: 'The catalog image, in Glance v2 shape', schema: 'glanceImage' },
    errors: [apiErrors.catalogImageNotFound],
  },
  'list-catalog-images': {
    query: listCatalogImagesQuery,
    success: { status: 200, description: 'One page of catalog images by id, with first and next links', schema: 'glanceImageList' },
    errors: [apiErrors.invalidCatalogMarker],
  },
} as const satisfies Record<OperationName, OperationContract>;

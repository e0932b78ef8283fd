import type * as z from 'zod';
import type { OperationName } from '../routes.ts';
import { apiErrors, type ErrorCase } from './api-errors.ts';
import type { ResponseSchemaName } from './response-schemas.ts';
import { listImagesQuery, registerImageBody, tagsBody } from './schemas.ts';

/**
 * What one operation reads and answers: the schemas its handler validates with, its success (the
 * status every success answers with, and the body's shape) and the errors of its own (the HTTP
 * edge's are added by the route's traits). httpHandler() reads the schemas and the status from
 * here and the OpenAPI description is generated from it, so the two cannot disagree.
 */
export interface OperationContract {
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
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
    errors: [],
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
    success: { status: 200, description: 'The image carrying exactly the given tags', schema: 'image' },
    errors: [notFound, tagLimit],
  },
  'delete-image-tags': {
    success: { status: 204, description: 'Every tag removed (also when there were none)' },
    errors: [notFound],
  },
} as const satisfies Record<OperationName, OperationContract>;

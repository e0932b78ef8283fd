/**
 * Every failure the registry reports on purpose. The HTTP edge maps each class to a status and an
 * upstream `error_name` (lib/http/error-response.ts); anything else is an internal error. Each class
 * spells its own name: the bundles are minified, and a class's own name would be logged as `kr`.
 */
export abstract class RegistryError extends Error {}

/** The image catalog does not know the id (or the id is not one it could ever know). */
export class ImageNotFoundError extends RegistryError {
  override name = 'ImageNotFoundError';
  readonly imageId: string;
  /** `reason`: why the catalog does not know it, when that helps the caller (an AMI owner not allowed). */
  constructor(imageId: string, reason?: string) {
    super(`Image '${imageId}' not found${reason ? `: ${reason}` : ''}`);
    this.imageId = imageId;
  }
}

/** The catalog knows the image but the tenant has not registered it. */
export class ImageNotRegisteredError extends RegistryError {
  override name = 'ImageNotRegisteredError';
  readonly imageId: string;
  constructor(imageId: string) {
    super(`Requested image '${imageId}' is not registered`);
    this.imageId = imageId;
  }
}

/** A tag change would leave the image with more tags than it may carry; nothing was applied. */
export class TagLimitExceededError extends RegistryError {
  override name = 'TagLimitExceededError';
  constructor(limit: number, wouldHave: number) {
    super(`tags: an image carries at most ${limit} tags; this request would leave it with ${wouldHave}`);
  }
}

/** The record changed under us on every attempt; the caller may retry. */
export class ConcurrentUpdateError extends RegistryError {
  override name = 'ConcurrentUpdateError';
  constructor(imageId: string, attempts: number) {
    super(`Image '${imageId}' is being changed by other requests; gave up after ${attempts} attempts`);
  }
}

/** A dependency (the database or the image catalog) is throttling or failing; the caller may retry. */
export class DependencyUnavailableError extends RegistryError {
  override name = 'DependencyUnavailableError';
  constructor(dependency: 'database' | 'image catalog', options?: { cause?: unknown }) {
    super(`The ${dependency} is unavailable; try again shortly`, options);
  }
}

/** The request's time ran out (lib/time-budget.ts) before its work was done; the caller may retry. */
export class OutOfTimeError extends RegistryError {
  constructor() {
    super('The request could not be completed in time; try again shortly');
  }
}

/** The store's guard: the record is not at the version the write was computed from. */
export class StaleRecordError extends RegistryError {
  override name = 'StaleRecordError';
  constructor(imageId: string) {
    super(`Image '${imageId}' changed since it was read`);
  }
}

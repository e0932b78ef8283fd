import { log } from '../log.ts';
import type { ImageStore } from './image-store.ts';

/**
 * The store, with a log line for every change it commits: the tenant, the image and what changed,
 * written after the write succeeded, so the log holds what the table holds. The invocation adds
 * who asked (the caller) and the request ids (lib/log.ts). Nothing secret is in a record; tokens
 * never reach the registry.
 */
export const auditedStore = (store: ImageStore): ImageStore => ({
  ...store,

  async registerImage(tenant, imageId, registration, facts, now) {
    const image = await store.registerImage(tenant, imageId, registration, facts, now);
    log.info('image registered', { tenant, imageId, username: image.username, description: image.description, version: image.version });
    return image;
  },

  async writeTags(tenant, current, change, now) {
    const image = await store.writeTags(tenant, current, change, now);
    log.info('image tags changed', { tenant, imageId: current.id, added: change.added, removed: change.removed, tags: image.tags, version: image.version });
    return image;
  },

  async deleteImage(tenant, current) {
    await store.deleteImage(tenant, current);
    log.info('image unregistered', { tenant, imageId: current.id, username: current.username, tags: current.tags, version: current.version });
  },

  async updateImageState(tenant, imageId, state, now) {
    const changed = await store.updateImageState(tenant, imageId, state, now);
    if (changed) log.info('image state changed', { tenant, imageId, status: state.status, progress: state.progress, changedAt: state.changedAt });
    return changed;
  },

  async refreshFacts(tenant, imageId, facts, changedAt, now) {
    const changed = await store.refreshFacts(tenant, imageId, facts, changedAt, now);
    if (changed) log.info('image facts refreshed', { tenant, imageId, status: facts.status, progress: facts.progress, owner: facts.owner, changedAt });
    return changed;
  },
});

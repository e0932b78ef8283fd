import { DELETED_STATUS, type ImageRecord } from '../registry/image.ts';
import type { ImageChange } from '../registry/image-change.ts';
import { diffTags } from '../registry/tag-rules.ts';
import { type ImageItem, recordOf } from './image-item.ts';
import { keyNames, keys } from './keys.ts';

/** One write of one item, as the table's change stream reports it (NEW_AND_OLD_IMAGES), the items unmarshalled. */
export interface ItemChange {
  readonly eventName?: string | undefined;
  readonly oldItem?: Record<string, unknown> | undefined;
  readonly newItem?: Record<string, unknown> | undefined;
}

/**
 * What a write of an image record meant. Only records count: a tag change writes the record with
 * its tag entries, and the record alone says what changed, so one change is one ImageChange.
 * Each writer changes a part of the record no other writer does (lib/store/): a tag change the
 * tags, the AMI sync the state time, a registration the rest; so the two versions of the record
 * tell which one wrote it. Undefined for a tag entry, or a write that announces nothing new.
 */
export const imageChangeOf = ({ eventName, oldItem, newItem }: ItemChange): ImageChange | undefined => {
  const item = newItem ?? oldItem;
  if (!item || !keys.isImageSortKey(String(item[keyNames.SK]))) return undefined;
  const tenant = keys.tenantOf(String(item[keyNames.PK]));
  const before = oldItem && recordOf(oldItem);
  const after = newItem && recordOf(newItem);
  if (eventName === 'REMOVE' && before) return removal(tenant, before, oldItem);
  if (!after) return undefined;
  if (!before) {
    // A registration creates a record; so does the first tag change of an image not registered yet.
    return after.username !== '' ? { kind: 'registered', tenant, image: after } : tagsChanged(tenant, [], after);
  }
  if (before.tags.join('\n') !== after.tags.join('\n')) return tagsChanged(tenant, before.tags, after);
  if (stateTimeOf(oldItem) !== stateTimeOf(newItem)) return { kind: 'state-changed', tenant, image: after, previousStatus: before.facts.status };
  return { kind: 'registered', tenant, image: after };
};

const stateTimeOf = (item: Record<string, unknown> | undefined) => (item as Partial<ImageItem> | undefined)?.stateChangedAt;

const tagsChanged = (tenant: string, previous: readonly string[], image: ImageRecord): ImageChange => {
  const { added, removed } = diffTags(previous, image.tags);
  return { kind: 'tags-changed', tenant, image, added, removed };
};

const removal = (tenant: string, image: ImageRecord, item: Record<string, unknown> | undefined): ImageChange | undefined => {
  // The AMI sync marks a deregistered AMI's records DELETED before removing them: the mark was the news.
  if (image.facts.status === DELETED_STATUS && stateTimeOf(item) !== undefined) return undefined;
  return { kind: 'unregistered', tenant, image: { ...image, username: '', description: '', tags: [] } };
};

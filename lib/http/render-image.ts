import type { ImageRecord } from '../registry/image.ts';
import { isRegistered } from '../registry/image.ts';
import { shownCreated, shownUpdated } from '../registry/list-order.ts';
import type { SaharaImage } from './response-schemas.ts';

export type { SaharaImage };

/**
 * `_sahara_tag_<tag>` for each tag, built once per tag: a list of thousands otherwise builds (and
 * V8 hashes) a new key string per tag per image, about half of rendering it. A container sees a
 * bounded set of tags in practice; the cap only keeps an unusual one from growing it without end.
 */
const tagKeys = new Map<string, string>();
const MAX_TAG_KEYS = 10_000;
const tagKeyOf = (tag: string): string => {
  let key = tagKeys.get(tag);
  if (key === undefined) {
    if (tagKeys.size >= MAX_TAG_KEYS) tagKeys.clear();
    key = `_sahara_tag_${tag}`;
    tagKeys.set(tag, key);
  }
  return key;
};

export const renderImage = (image: ImageRecord): SaharaImage => {
  const metadata: Record<string, string | boolean> = {};
  if (isRegistered(image)) metadata._sahara_username = image.username;
  if (image.description !== '') metadata._sahara_description = image.description;
  for (const tag of image.tags) metadata[tagKeyOf(tag)] = true;
  const { facts } = image;
  if (facts.deprecationTime !== undefined) metadata.deprecation_time = facts.deprecationTime;
  if (facts.owner) metadata.owner = facts.owner;
  return {
    id: image.id,
    name: facts.name,
    username: image.username,
    description: image.description,
    // The record's own sorted array: the answer is serialised, never changed.
    tags: image.tags as string[],
    metadata,
    status: facts.status,
    progress: facts.progress,
    minDisk: facts.minDisk,
    minRam: facts.minRam,
    'OS-EXT-IMG-SIZE:size': facts.size,
    created: shownCreated(image),
    // Upstream's Glance bumps `updated` when the registry writes its properties.
    updated: shownUpdated(image),
  };
};

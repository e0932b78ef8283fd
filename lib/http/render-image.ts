import type { ImageRecord } from '../registry/image.ts';
import { isRegistered } from '../registry/image.ts';
import { shownCreated, shownUpdated } from '../registry/list-order.ts';
import { withQuotedCount } from './answer-size.ts';
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

/**
 * The keys and strings in the JSON of renderImage(image), at least, from the record: its 13 keys
 * and 7 strings, each tag as a string and as a metadata key, and each optional metadata entry as a
 * key and a string. Counted from the record, whose shape is one, it takes a tenth of the time a
 * walk of the rendered image does (lib/http/answer-size.ts); test/unit/render-image.test.ts holds
 * it to that walk.
 */
const quotedInRendered = (image: ImageRecord): number => {
  const { facts } = image;
  const optional = (isRegistered(image) ? 1 : 0) + (image.description !== '' ? 1 : 0) + (facts.deprecationTime !== undefined ? 1 : 0) + (facts.owner ? 1 : 0);
  return 20 + 2 * image.tags.length + 2 * optional;
};

/** A list's images, carrying their count of keys and strings for sizing the answer (lib/http/answer-size.ts). */
export const renderImages = (images: readonly ImageRecord[]): SaharaImage[] => {
  let quoted = 0;
  for (const image of images) quoted += quotedInRendered(image);
  return withQuotedCount(images.map(renderImage), quoted);
};

import type { ImageRecord } from '../registry/image.ts';
import { isRegistered } from '../registry/image.ts';
import { shownCreated, shownUpdated } from '../registry/list-order.ts';
import type { SaharaImage } from './response-schemas.ts';

export type { SaharaImage };

export const renderImage = (image: ImageRecord): SaharaImage => {
  const metadata: Record<string, string | boolean> = {};
  if (isRegistered(image)) metadata._sahara_username = image.username;
  if (image.description !== '') metadata._sahara_description = image.description;
  for (const tag of image.tags) metadata[`_sahara_tag_${tag}`] = true;
  const { facts } = image;
  if (facts.deprecationTime !== undefined) metadata.deprecation_time = facts.deprecationTime;
  if (facts.owner) metadata.owner = facts.owner;
  return {
    id: image.id,
    name: facts.name,
    username: image.username,
    description: image.description,
    tags: [...image.tags],
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

import type { ImageRecord } from '../registry/image.ts';
import { isRegistered } from '../registry/image.ts';
import type { SaharaImage } from './response-schemas.ts';

export type { SaharaImage };

const later = (a: string, b: string | undefined) => (b !== undefined && b > a ? b : a);

export const renderImage = (image: ImageRecord): SaharaImage => {
  const metadata: Record<string, string | boolean> = {};
  if (isRegistered(image)) metadata._sahara_username = image.username;
  if (image.description !== '') metadata._sahara_description = image.description;
  for (const tag of image.tags) metadata[`_sahara_tag_${tag}`] = true;
  const { facts } = image;
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
    created: facts.created ?? image.createdAt,
    // Upstream's Glance bumps `updated` when the registry writes its properties.
    updated: later(image.updatedAt, facts.updated),
  };
};

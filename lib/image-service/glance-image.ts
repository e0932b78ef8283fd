import type { CatalogImage } from '../catalog/image-catalog.ts';
import type { GlanceImage } from '../http/glance-response-schemas.ts';

/**
 * The catalog speaks Sahara's upper-case statuses (what Nova made of Glance's); the image service
 * gives Glance's back. ERROR was Glance's `killed`. A status without a Glance name is lower-cased.
 */
const GLANCE_STATUS: ReadonlyMap<string, string> = new Map([
  ['ACTIVE', 'active'],
  ['SAVING', 'saving'],
  ['QUEUED', 'queued'],
  ['ERROR', 'killed'],
  ['DELETED', 'deleted'],
  ['DEACTIVATED', 'deactivated'],
]);

const glanceStatusOf = (status: string): string => GLANCE_STATUS.get(status) ?? status.toLowerCase();

/** Glance's links are relative to the image service's root, as Glance writes them. */
const imagePath = (id: string) => `/v2/images/${encodeURIComponent(id)}`;

/** One catalog image in Glance v2's shape, field for field, from the catalog's facts. */
export const renderGlanceImage = ({ id, facts, diskFormat, containerFormat }: CatalogImage): GlanceImage => ({
  id,
  name: facts.name,
  status: glanceStatusOf(facts.status),
  visibility: 'public',
  protected: false,
  os_hidden: false,
  min_disk: facts.minDisk,
  min_ram: facts.minRam,
  size: facts.size,
  virtual_size: null,
  disk_format: diskFormat ?? null,
  container_format: containerFormat ?? null,
  checksum: null,
  os_hash_algo: null,
  os_hash_value: null,
  // Glance's owner is the project owning the image; an AMI's is its AWS account.
  owner: facts.owner ?? null,
  created_at: facts.created ?? null,
  updated_at: facts.updated ?? facts.created ?? null,
  tags: [],
  self: imagePath(id),
  file: `${imagePath(id)}/file`,
  schema: '/v2/schemas/image',
});

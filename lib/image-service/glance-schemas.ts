/**
 * The JSON schemas Glance serves at /v2/schemas/image and /v2/schemas/images, for the fields this
 * image service answers. glanceclient builds its image model from the first (and gives up on v2
 * without it); the types admit the nulls a catalog leaves where it does not know a value.
 */
const nullableString = (description: string) => ({ type: ['null', 'string'], readOnly: true, description });

const image = {
  name: 'image' as const,
  properties: {
    id: { type: 'string', description: 'An identifier for the image' },
    name: { type: ['null', 'string'], maxLength: 255, description: 'Descriptive name for the image' },
    status: {
      type: 'string',
      readOnly: true,
      description: 'Status of the image',
      enum: ['queued', 'saving', 'active', 'killed', 'deleted', 'uploading', 'importing', 'pending_delete', 'deactivated'],
    },
    visibility: { type: 'string', enum: ['community', 'public', 'private', 'shared'], description: 'Scope of image accessibility' },
    protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
    os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
    checksum: nullableString('md5 hash of image contents.'),
    os_hash_algo: nullableString('Algorithm to calculate the os_hash_value'),
    os_hash_value: nullableString('Hexdigest of the image contents using the algorithm specified by the os_hash_algo'),
    owner: { type: ['null', 'string'], maxLength: 255, description: 'Owner of the image' },
    size: { type: ['null', 'integer'], readOnly: true, description: 'Size of image file in bytes' },
    virtual_size: { type: ['null', 'integer'], readOnly: true, description: 'Virtual size of image in bytes' },
    container_format: { type: ['null', 'string'], description: 'Format of the container' },
    disk_format: { type: ['null', 'string'], description: 'Format of the disk' },
    created_at: nullableString('Date and time of image registration'),
    updated_at: nullableString('Date and time of the last image modification'),
    tags: { type: 'array', items: { type: 'string', maxLength: 255 }, description: 'List of strings related to the image' },
    min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
    min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
    self: { type: 'string', readOnly: true, description: 'An image self url' },
    file: { type: 'string', readOnly: true, description: 'An image file url' },
    schema: { type: 'string', readOnly: true, description: 'An image schema url' },
  },
  additionalProperties: { type: 'string' },
  links: [
    { rel: 'self', href: '{self}' },
    { rel: 'enclosure', href: '{file}' },
    { rel: 'describedby', href: '{schema}' },
  ],
};

const images = {
  name: 'images' as const,
  properties: {
    images: { type: 'array', items: image },
    schema: { type: 'string' },
    first: { type: 'string' },
    next: { type: 'string' },
  },
  links: [
    { rel: 'first', href: '{first}' },
    { rel: 'next', href: '{next}' },
    { rel: 'describedby', href: '{schema}' },
  ],
};

/** The schema a request for `.../v2/schemas/<name>` asks for; the route table serves only these two names. */
export const glanceSchemaFor = (requestUrl: string) => (requestUrl.endsWith('/images') ? images : image);

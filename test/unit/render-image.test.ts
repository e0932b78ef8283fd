import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesInResult, bytesInResultAtMost, quotedCount } from '../../lib/http/answer-size.ts';
import { renderImage, renderImages } from '../../lib/http/render-image.ts';
import type { ImageRecord } from '../../lib/registry/image.ts';

const record = (overrides: Partial<ImageRecord> = {}): ImageRecord => ({
  id: 'img-1',
  username: 'ubuntu',
  description: 'Spark 3.5 on Ubuntu',
  tags: ['3.5', 'spark'],
  facts: {
    name: 'sahara-spark',
    status: 'ACTIVE',
    progress: 100,
    minDisk: 20,
    minRam: 2048,
    size: 1024,
    created: '2026-01-01T00:00:00Z',
    updated: '2026-01-02T00:00:00Z',
  },
  createdAt: '2026-02-01T10:00:00Z',
  updatedAt: '2026-02-03T10:00:00Z',
  version: 3,
  ...overrides,
});

describe('renderImage', () => {
  it("shows the catalog's owner of the image (an AMI's account) in the metadata, and no owner where the catalog has none", () => {
    const ami = record({ facts: { ...record().facts, owner: '123456789012' } });
    expect(renderImage(ami).metadata).toMatchObject({ owner: '123456789012' });
    expect(renderImage(record()).metadata).not.toHaveProperty('owner');
  });

  it('renders exactly the fields upstream Sahara renders', () => {
    expect(renderImage(record())).toEqual({
      id: 'img-1',
      name: 'sahara-spark',
      username: 'ubuntu',
      description: 'Spark 3.5 on Ubuntu',
      tags: ['3.5', 'spark'],
      metadata: {
        _sahara_username: 'ubuntu',
        _sahara_description: 'Spark 3.5 on Ubuntu',
        _sahara_tag_spark: true,
        '_sahara_tag_3.5': true,
      },
      status: 'ACTIVE',
      progress: 100,
      minDisk: 20,
      minRam: 2048,
      'OS-EXT-IMG-SIZE:size': 1024,
      created: '2026-01-01T00:00:00Z',
      updated: '2026-02-03T10:00:00Z',
    });
  });

  it('renders an unregistered image with empty user name and description and no such metadata', () => {
    const image = renderImage(record({ username: '', description: '', tags: ['spark'] }));
    expect(image.username).toBe('');
    expect(image.description).toBe('');
    expect(image.metadata).toEqual({ _sahara_tag_spark: true });
  });

  it('falls back to the record times when the catalog has none', () => {
    const image = renderImage(record({ facts: { name: 'n', status: 'ACTIVE', progress: 100, minDisk: 0, minRam: 0, size: 0 } }));
    expect(image.created).toBe('2026-02-01T10:00:00Z');
    expect(image.updated).toBe('2026-02-03T10:00:00Z');
  });

  it('keeps the catalog update time when it is the later one', () => {
    expect(renderImage(record({ updatedAt: '2025-01-01T00:00:00Z' })).updated).toBe('2026-01-02T00:00:00Z');
  });
});

describe('renderImages', () => {
  const text = fc.string({ unit: 'binary', maxLength: 12 });
  const time = fc.constantFrom('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z');
  const anyRecord = fc.record(
    {
      id: text,
      username: fc.oneof(fc.constant(''), text),
      description: fc.oneof(fc.constant(''), text),
      tags: fc.uniqueArray(text, { maxLength: 4 }),
      facts: fc.record(
        {
          name: text,
          status: text,
          progress: fc.integer(),
          minDisk: fc.integer(),
          minRam: fc.integer(),
          size: fc.integer(),
          created: time,
          updated: time,
          deprecationTime: time,
          owner: fc.oneof(fc.constant(''), text),
        },
        { requiredKeys: ['name', 'status', 'progress', 'minDisk', 'minRam', 'size'] },
      ),
      createdAt: time,
      updatedAt: time,
      version: fc.nat(),
    },
    { noNullPrototype: true },
  );

  it('counts the keys and strings of what it renders as a walk of the rendered images does, so a list is sized without one', () => {
    fc.assert(
      fc.property(fc.array(anyRecord, { maxLength: 5 }), (records) => {
        const rendered = renderImages(records);
        expect(rendered).toEqual(records.map(renderImage));
        // A copy carries no count: quotedCount walks it.
        expect(quotedCount(rendered)).toBe(quotedCount([...rendered]));
      }),
    );
  });

  it('sizes a list answer at least as large as it is in the proxy result', () => {
    fc.assert(
      fc.property(fc.array(anyRecord, { maxLength: 5 }), (records) => {
        const body = { images: renderImages(records) };
        const json = JSON.stringify(body);
        expect(bytesInResultAtMost(json, Buffer.byteLength(json), body)).toBeGreaterThanOrEqual(bytesInResult(json));
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../lib/registry/image.ts';
import { recordItem, tagEntryItem } from '../../lib/store/image-item.ts';
import { imageChangeOf } from '../../lib/store/record-changes.ts';

/** What a record write looks like on the stream: the items as the store writes them (image-item.ts). */
const image = (changes: Partial<ImageRecord> = {}): ImageRecord => ({
  id: 'ami-0123456789abcdef0',
  username: 'ubuntu',
  description: 'Spark 3.5',
  tags: ['3.5', 'spark'],
  facts: { name: 'spark-3.5', status: 'ACTIVE', progress: 100, minDisk: 8, minRam: 0, size: 0 },
  createdAt: '2026-11-27T10:00:00Z',
  updatedAt: '2026-11-27T10:00:00Z',
  version: 7,
  ...changes,
});
const item = (record: ImageRecord, extra: Record<string, unknown> = {}) => ({ ...recordItem('tenant-a', record), ...extra });

describe('what a write of an image record means', () => {
  it('a new registered record is a registration', () => {
    expect(imageChangeOf({ eventName: 'INSERT', newItem: item(image({ tags: [] })) })).toEqual({
      kind: 'registered',
      tenant: 'tenant-a',
      image: image({ tags: [] }),
    });
  });

  it('a new record of an image not registered is its first tags', () => {
    const tagged = image({ username: '', description: '', tags: ['spark'] });
    expect(imageChangeOf({ eventName: 'INSERT', newItem: item(tagged) })).toEqual({
      kind: 'tags-changed',
      tenant: 'tenant-a',
      image: tagged,
      added: ['spark'],
      removed: [],
    });
  });

  it('a record whose tags moved is a tag change, with what was added and removed', () => {
    const after = image({ tags: ['3.5', 'hadoop', 'ubuntu'], version: 8, updatedAt: '2026-11-27T10:05:00Z' });
    expect(imageChangeOf({ eventName: 'MODIFY', oldItem: item(image()), newItem: item(after) })).toEqual({
      kind: 'tags-changed',
      tenant: 'tenant-a',
      image: after,
      added: ['hadoop', 'ubuntu'],
      removed: ['spark'],
    });
  });

  it('a record whose state time moved is a state change, with the status before', () => {
    const before = image({ facts: { ...image().facts, status: 'SAVING', progress: 0 } });
    const after = image({ version: 8 });
    expect(imageChangeOf({ eventName: 'MODIFY', oldItem: item(before), newItem: item(after, { stateChangedAt: '2026-11-27T10:04:40.000Z' }) })).toEqual({
      kind: 'state-changed',
      tenant: 'tenant-a',
      image: after,
      previousStatus: 'SAVING',
    });
  });

  it('any other change of a record is a registration: a new user name or description, or the same again', () => {
    const state = { stateChangedAt: '2026-11-27T10:04:40.000Z' };
    for (const after of [image({ username: 'centos', version: 8 }), image({ description: '', version: 8 }), image({ version: 8 })]) {
      expect(imageChangeOf({ eventName: 'MODIFY', oldItem: item(image(), state), newItem: item(after, state) })).toEqual({
        kind: 'registered',
        tenant: 'tenant-a',
        image: after,
      });
    }
    const tagsOnly = image({ username: '', description: '' });
    expect(imageChangeOf({ eventName: 'MODIFY', oldItem: item(tagsOnly), newItem: item(image()) })?.kind).toBe('registered');
  });

  it('a removed record is an unregistration: the image keeps its catalog facts and loses the rest', () => {
    expect(imageChangeOf({ eventName: 'REMOVE', oldItem: item(image()) })).toEqual({
      kind: 'unregistered',
      tenant: 'tenant-a',
      image: image({ username: '', description: '', tags: [] }),
    });
  });

  it('the removal of a record the AMI sync marked DELETED says nothing more: the mark was the news', () => {
    const deregistered = image({ facts: { ...image().facts, status: 'DELETED', progress: 0 } });
    expect(imageChangeOf({ eventName: 'REMOVE', oldItem: item(deregistered, { stateChangedAt: '2026-11-27T11:00:00.000Z' }) })).toBeUndefined();
    // A catalog's own DELETED status, never applied by the sync, is still an unregistration.
    expect(imageChangeOf({ eventName: 'REMOVE', oldItem: item(deregistered) })?.kind).toBe('unregistered');
  });

  it('a tag entry is no change of its own', () => {
    const entry = tagEntryItem('tenant-a', 'ami-0123456789abcdef0', 'spark');
    expect(imageChangeOf({ eventName: 'INSERT', newItem: entry })).toBeUndefined();
    expect(imageChangeOf({ eventName: 'REMOVE', oldItem: entry })).toBeUndefined();
  });
});

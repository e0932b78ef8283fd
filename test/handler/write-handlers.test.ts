import { describe, expect, it } from 'vitest';
import { v1Client } from '../support/api.ts';
import { newTenant } from '../support/fixtures.ts';
import { expectIndexMatchesRecords, tenantItems } from '../support/table-inspection.ts';

describe('POST /v1.1/{tenant}/images/{id} (register-image)', () => {
  it('answers 202 with the registered image', async () => {
    const answer = await v1Client(newTenant()).register('img-spark-35', { username: 'ubuntu', description: 'Spark 3.5' });
    expect(answer.status).toBe(202);
    expect(answer.json.image).toMatchObject({
      id: 'img-spark-35',
      username: 'ubuntu',
      description: 'Spark 3.5',
      tags: [],
      metadata: { _sahara_username: 'ubuntu', _sahara_description: 'Spark 3.5' },
    });
  });

  it('keeps the description when none is sent and clears it when "" is sent', async () => {
    const api = v1Client(newTenant());
    await api.register('img-plain', { username: 'a', description: 'kept' });
    expect((await api.register('img-plain', { username: 'b' })).json.image.description).toBe('kept');
    const cleared = (await api.register('img-plain', { username: 'b', description: '' })).json.image;
    expect(cleared.description).toBe('');
    expect(cleared.metadata).toEqual({ _sahara_username: 'b' });
  });

  it('answers 404 for an image the catalog does not know', async () => {
    const answer = await v1Client(newTenant()).register('no-such-image', { username: 'u' });
    expect(answer.status).toBe(404);
    expect(answer.json.error_name).toBe('NOT_FOUND');
  });

  it('refuses an empty user name with 400 VALIDATION_ERROR, unlike upstream, and writes nothing', async () => {
    const tenant = newTenant();
    const answer = await v1Client(tenant).register('img-plain', { username: '' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error_name: 'VALIDATION_ERROR', error_message: expect.stringMatching(/^username: must not be empty/) });
    expect(await tenantItems(tenant)).toEqual([]);
  });

  it('validates the body before looking the image up (400, not 404)', async () => {
    const answer = await v1Client(newTenant()).register('no-such-image', { user: 'u' });
    expect(answer.status).toBe(400);
    expect(answer.json.error_name).toBe('VALIDATION_ERROR');
  });
});

describe('DELETE /v1.1/{tenant}/images/{id} (unregister-image)', () => {
  it('answers 204 with an empty body, removes user name, description and tags, and is idempotent', async () => {
    const tenant = newTenant();
    const api = v1Client(tenant);
    await api.register('img-plain', { username: 'u', description: 'd' });
    await api.tag('img-plain', ['a', 'b']);
    const answer = await api.unregister('img-plain');
    expect(answer).toMatchObject({ status: 204, text: '' });
    expect(answer.headers['content-type']).toBeUndefined();
    expect((await api.unregister('img-plain')).status).toBe(204);
    expect((await api.show('img-plain')).json.error_name).toBe('IMAGE_NOT_REGISTERED');
    expect((await api.list('tags=a')).json.images).toEqual([]);
    expect(await tenantItems(tenant)).toEqual([]);
    expect((await api.register('img-plain', { username: 'u' })).json.image).toMatchObject({ description: '', tags: [] });
  });

  it('answers 404 for an image the catalog does not know', async () => {
    expect((await v1Client(newTenant()).unregister('no-such-image')).status).toBe(404);
  });
});

describe('POST /v1.1/{tenant}/images/{id}/tag and /untag (tag-image, untag-image)', () => {
  it('tag answers 202 with the image and its sorted tags, duplicates collapsed', async () => {
    const api = v1Client(newTenant());
    await api.register('img-spark-35', { username: 'u' });
    const answer = await api.tag('img-spark-35', ['spark', '3.5', 'spark']);
    expect(answer.status).toBe(202);
    expect(answer.json.image.tags).toEqual(['3.5', 'spark']);
    expect(answer.json.image.metadata).toMatchObject({ _sahara_tag_spark: true, '_sahara_tag_3.5': true });
  });

  it('untag of an absent tag is a no-op that answers 202', async () => {
    const api = v1Client(newTenant());
    await api.register('img-plain', { username: 'u' });
    await api.tag('img-plain', ['a']);
    const answer = await api.untag('img-plain', ['b']);
    expect(answer.status).toBe(202);
    expect(answer.json.image.tags).toEqual(['a']);
    expect((await api.untag('img-plain', [])).status).toBe(202);
  });

  it('tags a known but unregistered image and shows the tags once it is registered', async () => {
    const api = v1Client(newTenant());
    const tagged = await api.tag('img-vanilla', ['vanilla', '2.7.1']);
    expect(tagged.status).toBe(202);
    expect(tagged.json.image).toMatchObject({ username: '', description: '', tags: ['2.7.1', 'vanilla'] });
    expect((await api.list('tags=vanilla')).json.images).toEqual([]);
    await api.register('img-vanilla', { username: 'centos' });
    expect((await api.list('tags=vanilla&tags=2.7.1')).json.images.map((image: { id: string }) => image.id)).toEqual(['img-vanilla']);
  });

  it('refuses the whole request when one tag is invalid, naming it, and applies none', async () => {
    const tenant = newTenant();
    const api = v1Client(tenant);
    await api.register('img-plain', { username: 'u' });
    const answer = await api.tag('img-plain', ['good', 'bad tag']);
    expect(answer.status).toBe(400);
    expect(answer.json.error_message).toMatch(/^tags\[1\]: 'bad tag' is not a valid tag/);
    expect((await api.show('img-plain')).json.image.tags).toEqual([]);
    expect((await api.untag('img-plain', ['abc\n'])).status).toBe(400);
  });

  it('refuses a tag request that would pass 50 tags with 400 naming the limit, applying nothing', async () => {
    const tenant = newTenant();
    const api = v1Client(tenant);
    await api.tag(
      'img-plain',
      Array.from({ length: 45 }, (_, i) => `t${i}`),
    );
    const answer = await api.tag(
      'img-plain',
      Array.from({ length: 10 }, (_, i) => `u${i}`),
    );
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error_name: 'VALIDATION_ERROR', error_message: expect.stringContaining('at most 50 tags') });
    expect((await api.untag('img-plain', [])).json.image.tags).toHaveLength(45);
    await expectIndexMatchesRecords(tenant);
  });

  it('answers 404 for an image the catalog does not know', async () => {
    expect((await v1Client(newTenant()).tag('no-such-image', ['a'])).status).toBe(404);
    expect((await v1Client(newTenant()).untag('no-such-image', ['a'])).status).toBe(404);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_SCOPES } from '../../lib/access-scopes.ts';
import { type ApiAnswer, callApi, clientTokenOf, roleCallerOf, type TestCaller, tokenOf, v1Client } from '../support/api.ts';
import { newTenant } from '../support/fixtures.ts';
import { newClientTenant, newServiceTenant } from '../support/machine-callers.ts';
import { routeCalls } from '../support/route-calls.ts';
import { expectIndexMatchesRecords, tenantItems } from '../support/table-inspection.ts';

const IMAGES = ['img-spark-35', 'img-plain', 'img-vanilla'] as const;
const TAGS = ['a', 'b', 'c', 'd'] as const;

interface ModelImage {
  username: string;
  description: string;
  tags: Set<string>;
}

type Model = Map<string, ModelImage>;

type Operation =
  | { kind: 'register'; image: string; username: string; description: string | undefined }
  | { kind: 'unregister'; image: string }
  | { kind: 'tag' | 'untag'; image: string; tags: string[] }
  | { kind: 'show'; image: string }
  | { kind: 'list'; tags: string[]; sortBy: '' | '-id' | 'name' | '-created' };

const image = fc.constantFrom(...IMAGES);
const tags = fc.subarray([...TAGS], { minLength: 1 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant('register' as const),
    image,
    username: fc.constantFrom('ubuntu', 'centos'),
    description: fc.option(fc.constantFrom('', 'd1', 'd2'), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('unregister' as const), image }),
  fc.record({ kind: fc.constantFrom('tag' as const, 'untag' as const), image, tags }),
  fc.record({ kind: fc.constant('show' as const), image }),
  fc.record({
    kind: fc.constant('list' as const),
    tags: fc.subarray([...TAGS], { maxLength: 2 }),
    sortBy: fc.constantFrom('' as const, '-id' as const, 'name' as const, '-created' as const),
  }),
);

const sorted = (values: Iterable<string>) => [...values].sort();

/**
 * A tenant and who acts for it: a token naming it, a machine client mapped to it (clientTenants),
 * or IAM roles mapped to it (serviceCallers). Reads go through the reader, changes the writer.
 */
interface Party {
  readonly tenant: string;
  readonly writer: TestCaller;
  readonly reader: TestCaller;
}

const CALLER_KINDS = ['token', 'client', 'iam'] as const;
type CallerKind = (typeof CALLER_KINDS)[number];

const newParty = (kind: CallerKind): Party => {
  if (kind === 'iam') {
    const { tenant, writerRole, readerRole } = newServiceTenant();
    return { tenant, writer: roleCallerOf(writerRole), reader: roleCallerOf(readerRole) };
  }
  if (kind === 'client') {
    const { tenant, clientId } = newClientTenant();
    return { tenant, writer: clientTokenOf(clientId), reader: clientTokenOf(clientId, [DEFAULT_ACCESS_SCOPES.read]) };
  }
  const tenant = newTenant();
  return { tenant, writer: tokenOf(tenant), reader: tokenOf(tenant, [DEFAULT_ACCESS_SCOPES.read]) };
};

/** What the tenant should see of one image, per its own operations only. */
const expectedView = (id: string, entry: ModelImage) => ({ id, username: entry.username, description: entry.description, tags: sorted(entry.tags) });
const actualView = (rendered: { id: string; username: string; description: string; tags: string[] }) => ({
  id: rendered.id,
  username: rendered.username,
  description: rendered.description,
  tags: rendered.tags,
});

/** Applies one operation through the handlers and to the model, and checks the answer against the model. */
const step = async ({ tenant, writer, reader }: Party, model: Model, op: Operation) => {
  const api = v1Client(tenant, op.kind === 'show' || op.kind === 'list' ? reader : writer);
  const current = 'image' in op ? model.get(op.image) : undefined;
  switch (op.kind) {
    case 'register': {
      const answer = await api.register(op.image, { username: op.username, ...(op.description === undefined ? {} : { description: op.description }) });
      const next = { username: op.username, description: op.description ?? current?.description ?? '', tags: current?.tags ?? new Set<string>() };
      model.set(op.image, next);
      expect(answer.status).toBe(202);
      expect(actualView(answer.json.image)).toEqual(expectedView(op.image, next));
      return;
    }
    case 'unregister':
      model.delete(op.image);
      expect((await api.unregister(op.image)).status).toBe(204);
      return;
    case 'tag':
    case 'untag': {
      const answer = op.kind === 'tag' ? await api.tag(op.image, op.tags) : await api.untag(op.image, op.tags);
      const entry = current ?? { username: '', description: '', tags: new Set<string>() };
      for (const tag of op.tags) op.kind === 'tag' ? entry.tags.add(tag) : entry.tags.delete(tag);
      // Tags set before registration are kept on an unregistered record; removing from nothing stores nothing.
      if (current || op.kind === 'tag') model.set(op.image, entry);
      expect(answer.status).toBe(202);
      expect(answer.json.image.tags).toEqual(sorted(entry.tags));
      return;
    }
    case 'show': {
      const answer = await api.show(op.image);
      if (current && current.username !== '') {
        expect(answer.status).toBe(200);
        expect(actualView(answer.json.image)).toEqual(expectedView(op.image, current));
      } else {
        expect(answer.status).toBe(400);
        expect(answer.json.error_name).toBe('IMAGE_NOT_REGISTERED');
      }
      return;
    }
    case 'list':
      await expectListEqualsModel({ tenant, writer, reader }, model, op.tags, op.sortBy);
  }
};

const expectListEqualsModel = async ({ tenant, reader }: Party, model: Model, tags: readonly string[] = [], sortBy = '') => {
  const answer = await v1Client(tenant, reader).list([...tags.map((tag) => `tags=${tag}`), ...(sortBy ? [`sort_by=${sortBy}`] : [])].join('&'));
  expect(answer.status).toBe(200);
  const expected = [...model]
    .filter(([, entry]) => entry.username !== '' && tags.every((tag) => entry.tags.has(tag)))
    .map(([id, entry]) => expectedView(id, entry))
    .sort((x, y) => x.id.localeCompare(y.id));
  const listed = answer.json.images.map(actualView);
  if (sortBy === '' || sortBy === '-id') {
    expect(listed).toEqual(sortBy === '-id' ? expected.reverse() : expected);
  } else {
    // Sorted by another field: the same images, in that field's order (sorted-lists.test.ts holds the order itself).
    expect([...listed].sort((x, y) => x.id.localeCompare(y.id))).toEqual(expected);
  }
};

describe('tenant isolation', () => {
  it('each of two tenants sees exactly the model of its own operations, whatever the other does, whether tokens, machine clients or IAM roles act for them', {
    timeout: 300_000,
  }, async () => {
    let runs = 0;
    let steps = 0;
    const kindsSeen = new Set<CallerKind>();
    const kind = fc.constantFrom(...CALLER_KINDS);
    await fc.assert(
      fc.asyncProperty(fc.tuple(kind, kind), fc.array(fc.tuple(fc.constantFrom(0, 1), operation), { minLength: 8, maxLength: 30 }), async (kinds, sequence) => {
        runs++;
        for (const seen of kinds) kindsSeen.add(seen);
        const parties = [newParty(kinds[0]), newParty(kinds[1])] as const;
        const models: [Model, Model] = [new Map(), new Map()];
        for (const [who, op] of sequence) {
          steps++;
          await step(parties[who], models[who], op);
        }
        for (const who of [0, 1] as const) {
          await expectListEqualsModel(parties[who], models[who]);
          await expectIndexMatchesRecords(parties[who].tenant);
        }
      }),
      { seed: 4_2026, numRuns: 30 },
    );
    expect([...kindsSeen].sort()).toEqual([...CALLER_KINDS].sort());
    console.log(`tenant isolation: ${runs} sequences, ${steps} operations by tokens, machine clients and IAM roles, each tenant's view equal to its own model`);
  });

  /** Status and visible content of an answer, without what differs between any two calls (request id, clock). */
  const shapeOf = (answer: ApiAnswer) => ({
    status: answer.status,
    body: answer.text.replace(/req-[0-9a-f-]+/g, 'req-<id>').replace(/"(created|updated)":"[^"]+"/g, '"$1":"<time>"'),
  });

  it.each(routeCalls().flatMap((route) => CALLER_KINDS.map((kind) => [`${route.method} ${route.path}`, kind, route] as const)))(
    "%s: another tenant's caller (%s) neither reads, changes nor learns of an image: it answers as for an image nobody registered",
    async (_name, kind, route) => {
      const owner = newTenant();
      const ownerApi = v1Client(owner);
      expect((await ownerApi.register('img-spark-35', { username: 'owner-secret-user', description: 'owner secret' })).status).toBe(202);
      expect((await ownerApi.tag('img-spark-35', ['spark', 'owner-secret-tag'])).status).toBe(202);
      const before = await tenantItems(owner);

      // The same call by two fresh tenants' callers: one beside the owner, one in a registry where nobody registered the image.
      const [intruder, control] = [newParty(kind), newParty(kind)];
      const onOwnersImage = await callApi({ ...route.call(intruder.tenant, 'img-spark-35'), tenant: null, caller: intruder.writer });
      const onUnusedImage = await callApi({ ...route.call(control.tenant, 'img-spark-35'), tenant: null, caller: control.writer });
      expect(onOwnersImage.status).toBeLessThan(500);
      expect(onOwnersImage.text).not.toMatch(/owner-secret/);
      expect(shapeOf(onOwnersImage)).toEqual(shapeOf(onUnusedImage));

      // And on the owner's own path: refused before anything is read (see dependency-faults.test.ts).
      if (route.path.includes('{tenant_id}')) {
        const crossing = await callApi({ ...route.call(owner, 'img-spark-35'), tenant: null, caller: intruder.writer });
        expect([crossing.status, crossing.json.error_name]).toEqual([403, 'FORBIDDEN']);
      }
      expect(await tenantItems(owner)).toEqual(before);
    },
  );
});

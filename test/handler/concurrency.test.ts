import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ApiAnswer, v1Client } from '../support/api.ts';
import { newTenant } from '../support/fixtures.ts';
import { expectIndexMatchesRecords } from '../support/table-inspection.ts';

/**
 * The 5xx a change may get, both deliberate and documented (503 + Retry-After): the registry gave
 * up after its bounded retries against other writers (ConcurrentUpdateError), or the SDK gave up
 * after its bounded retries against a database too slow to answer (DependencyUnavailableError; an
 * overloaded DynamoDB Local on a busy machine does that).
 */
const documented503 = (answer: ApiAnswer): 'contention' | 'database' | undefined => {
  if (answer.status !== 503 || answer.headers['retry-after'] !== '1' || answer.json.error_name !== 'SERVICE_UNAVAILABLE') return undefined;
  if (/is being changed by other requests; gave up after \d+ attempts/.test(answer.json.error_message)) return 'contention';
  if (/^The database is unavailable; try again shortly/.test(answer.json.error_message)) return 'database';
  return undefined;
};

/** Runs `tasks` with at most `clients` in flight, as that many clients each sending one request at a time. */
const asClients = async <T>(clients: number, tasks: readonly (() => Promise<T>)[]): Promise<T[]> => {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
};

describe('concurrent requests through the handlers', () => {
  it('40 clients adding 40 different tags to one image at once: all 40 end on it', { timeout: 120_000 }, async () => {
    const tenant = newTenant();
    const api = v1Client(tenant);
    expect((await api.register('img-spark-35', { username: 'ubuntu' })).status).toBe(202);
    const tags = Array.from({ length: 40 }, (_, i) => `tag-${i}`);

    const answers = await Promise.all(tags.map((tag) => api.tag('img-spark-35', [tag])));

    const statuses = answers.map((answer) => answer.status);
    const final: string[] = (await api.show('img-spark-35')).json.image.tags;
    const lost = tags.filter((tag) => !final.includes(tag));
    console.log(`40 concurrent taggers: statuses ${JSON.stringify(Object.fromEntries(countBy(statuses)))}, tags lost: ${lost.length}`);
    expect(statuses).toEqual(Array(40).fill(202));
    expect(lost).toEqual([]);
    expect(final).toEqual([...tags].sort());
    await expectIndexMatchesRecords(tenant);
  });

  it('a storm of register, unregister, tag and untag on a few images leaves the index and the lists consistent', { timeout: 180_000 }, async () => {
    const tenant = newTenant();
    const api = v1Client(tenant);
    const images = ['img-spark-35', 'img-plain', 'img-vanilla'];
    const pool = ['spark', '3.5', 'a', 'b', 'c', 'd', 'e', 'f'];
    const change = fc.oneof(
      fc.record({ kind: fc.constant('register' as const), image: fc.constantFrom(...images) }),
      fc.record({ kind: fc.constant('unregister' as const), image: fc.constantFrom(...images) }),
      fc.record({
        kind: fc.constantFrom('tag' as const, 'untag' as const),
        image: fc.constantFrom(...images),
        tags: fc.subarray(pool, { minLength: 1, maxLength: 3 }),
      }),
    );
    const storm = fc.sample(change, { seed: 2026, numRuns: 240 });
    const CLIENTS = 30;

    const answers = await asClients(
      CLIENTS,
      storm.map((op) => async () => {
        const answer =
          op.kind === 'register'
            ? await api.register(op.image, { username: 'ubuntu' })
            : op.kind === 'unregister'
              ? await api.unregister(op.image)
              : op.kind === 'tag'
                ? await api.tag(op.image, op.tags)
                : await api.untag(op.image, op.tags);
        return { op, answer };
      }),
    );

    const statuses = countBy(answers.map(({ answer }) => answer.status));
    const serverErrors = answers.filter(({ answer }) => answer.status >= 500);
    const undocumented = serverErrors.filter(({ answer }) => documented503(answer) === undefined);
    const why = countBy(serverErrors.map(({ answer }) => documented503(answer) ?? 'undocumented'));
    console.log(
      `storm: ${answers.length} changes by ${CLIENTS} concurrent clients on ${images.length} images; statuses ${JSON.stringify(Object.fromEntries(statuses))}; 5xx: ${serverErrors.length} ${JSON.stringify(Object.fromEntries(why))}`,
    );
    expect(undocumented.map(({ op, answer }) => [op, answer.status, answer.text])).toEqual([]);
    for (const { op, answer } of answers) {
      if (answer.status < 500) expect(answer.status, JSON.stringify(op)).toBe(op.kind === 'unregister' ? 204 : 202);
    }

    await expectIndexMatchesRecords(tenant);
    const all: { id: string; tags: string[] }[] = (await api.list()).json.images;
    for (const tags of [...pool.map((tag) => [tag]), ['spark', '3.5'], ['a', 'b'], ['c', 'd', 'e']]) {
      const byTags: { id: string }[] = (await api.list(tags.map((tag) => `tags=${tag}`).join('&'))).json.images;
      expect(
        byTags.map((image) => image.id),
        tags.join('+'),
      ).toEqual(all.filter((image) => tags.every((tag) => image.tags.includes(tag))).map((image) => image.id));
    }
  });
});

const countBy = <T>(values: readonly T[]) => {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
};

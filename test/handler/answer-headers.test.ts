import { describe, expect, it } from 'vitest';
import { callApi, v1Client } from '../support/api.ts';
import { newTenant } from '../support/fixtures.ts';
import { routeCalls } from '../support/route-calls.ts';

describe('every answer is marked not to be stored', () => {
  // v2 URLs name no tenant: a shared cache keyed by URL would serve one tenant's list to another.
  it('on every route, as a success and as a refusal, and on unknown paths', async () => {
    const tenant = newTenant();
    await v1Client(tenant).register('img-spark-35', { username: 'ubuntu' });
    const answers = [];
    for (const route of routeCalls()) {
      answers.push({ route, answer: await callApi({ ...route.call(tenant, 'img-spark-35'), tenant }) });
      answers.push({ route, answer: await callApi({ ...route.call(tenant, 'img-unknown'), tenant }) });
      answers.push({ route, answer: await callApi({ ...route.call(tenant, 'img-spark-35'), tenant: null }) });
    }
    const statuses = new Set(answers.map(({ answer }) => answer.status));
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 202, 204, 401, 404]));
    for (const { route, answer } of answers) expect(answer.headers['cache-control'], `${route.method} ${route.path} ${answer.status}`).toBe('no-store');
    for (const path of ['/nowhere', `/v1.1/${tenant}/images/img-spark-35/tags`]) {
      const answer = await callApi({ method: 'GET', path, tenant });
      expect([404, 405]).toContain(answer.status);
      expect(answer.headers['cache-control']).toBe('no-store');
    }
  });
});

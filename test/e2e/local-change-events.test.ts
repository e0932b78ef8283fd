import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectDocumentedEvent } from '../support/event-schemas.ts';
import { type RunningFront, startLocalFront } from '../support/local-front-process.ts';

/** `npm start` reads the table's stream and shows each change event, printed or handed to a command. */
const call = async (front: RunningFront, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${front.origin}${path}`, {
    method,
    headers: { 'x-auth-token': 'token-alice', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
};

const changeSomeImages = async (front: RunningFront) => {
  const base = '/v1.1/alice/images/spark-3.5-ubuntu-22.04';
  expect(await call(front, 'POST', base, { username: 'ubuntu' })).toBe(202);
  expect(await call(front, 'POST', `${base}/tag`, { tags: ['spark', '3.5'] })).toBe(202);
  expect(await call(front, 'POST', `${base}/tag`, { tags: ['not a tag'] })).toBe(400);
  expect(await call(front, 'DELETE', base)).toBe(204);
};

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** The JSON documents printed after the ready banner. */
const printedEvents = (output: string) => {
  const after = output.slice(output.indexOf('Ctrl-C stops it.') + 'Ctrl-C stops it.'.length);
  return [...after.matchAll(/^\{\n[\s\S]*?\n\}$/gm)].map(([text]) => JSON.parse(text));
};

describe('npm start: change events', () => {
  const fronts: RunningFront[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const front of fronts) await front.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('prints each change as EventBridge would deliver it, one per change, none for a refused request', async () => {
    const front = await startLocalFront({ REGISTRY_DATA_DIR: 'memory', REGISTRY_DEV_TOKENS: 'token-alice=alice' });
    fronts.push(front);
    expect(front.output()).toContain('events:   each change printed below, as EventBridge delivers it (REGISTRY_EVENTS)');
    await changeSomeImages(front);
    await waitFor(() => printedEvents(front.output()).length >= 3, 'three printed events');
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // no fourth comes
    const events = printedEvents(front.output());
    expect(events.map((event) => event['detail-type'])).toEqual(['Image Registered', 'Image Tags Changed', 'Image Unregistered']);
    for (const event of events) {
      expectDocumentedEvent(event);
      expect(event).toMatchObject({ source: 'image-registry', detail: { tenant: 'alice', imageId: 'spark-3.5-ubuntu-22.04' } });
    }
    expect(events[1].detail).toMatchObject({ added: ['3.5', 'spark'], removed: [], image: { name: 'sahara-spark-3.5-ubuntu-22.04' } });
  });

  it('hands each event to the command REGISTRY_EVENTS names, on its standard input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-events-'));
    dirs.push(dir);
    const file = join(dir, 'events.jsonl');
    const front = await startLocalFront({ REGISTRY_DATA_DIR: 'memory', REGISTRY_DEV_TOKENS: 'token-alice=alice', REGISTRY_EVENTS: `cat >> '${file}'` });
    fronts.push(front);
    expect(front.output()).toContain(`events:   each change handed to: cat >> '${file}'`);
    await changeSomeImages(front);
    const lines = () => {
      try {
        return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
      } catch {
        return [];
      }
    };
    await waitFor(() => lines().length >= 3, 'three events in the file');
    expect(lines().map((line) => JSON.parse(line)['detail-type'])).toEqual(['Image Registered', 'Image Tags Changed', 'Image Unregistered']);
    expect(printedEvents(front.output())).toEqual([]);
  });

  it('reads no stream with REGISTRY_EVENTS=off', async () => {
    const front = await startLocalFront({ REGISTRY_DATA_DIR: 'memory', REGISTRY_DEV_TOKENS: 'token-alice=alice', REGISTRY_EVENTS: 'off' });
    fronts.push(front);
    expect(front.output()).toContain('events:   off (REGISTRY_EVENTS=off)');
    await changeSomeImages(front);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(printedEvents(front.output())).toEqual([]);
  });
});

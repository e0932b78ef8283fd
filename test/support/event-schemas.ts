import { readFileSync } from 'node:fs';
import * as ajvDraft04 from 'ajv-draft-04';
import { expect } from 'vitest';

const EVENTS_DOC = new URL('../../docs/events.md', import.meta.url);

// A CommonJS module whose exports are the class, which also carries itself as `default`.
const Ajv = ajvDraft04.default.default;

const jsonBlocks = (markdown: string): unknown[] => [...markdown.matchAll(/```json\n([\s\S]*?)\n```/g)].map(([, block]) => JSON.parse(block!));

/** The JSON Schemas docs/events.md publishes, by title (the detail-type), and its example events. */
export const documentedEvents = () => {
  const blocks = jsonBlocks(readFileSync(EVENTS_DOC, 'utf8')) as Record<string, unknown>[];
  const schemas = blocks.filter((block) => typeof block.$schema === 'string');
  const ajv = new Ajv({ allErrors: true, strict: true, formats: { 'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/ } });
  const validators = new Map(schemas.map((schema) => [schema.title as string, ajv.compile(schema)]));
  return { validators, examples: blocks.filter((block) => 'detail-type' in block && 'id' in block) };
};

const { validators } = documentedEvents();

/** Fails unless `event` is valid against the schema docs/events.md gives its detail-type. */
export const expectDocumentedEvent = (event: { 'detail-type'?: string | undefined }) => {
  const validate = validators.get(event['detail-type'] ?? '');
  expect(validate, `docs/events.md has a schema for '${event['detail-type']}'`).toBeDefined();
  expect(validate!(event) ? [] : validate!.errors, JSON.stringify(event)).toEqual([]);
};

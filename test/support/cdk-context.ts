import { readFileSync } from 'node:fs';

/**
 * The context cdk.json gives `npx cdk synth`: the project's keys and the feature flags. Tests that
 * build the stack in-process start from it, so they assert on the template a deploy would make.
 */
export const cdkJsonContext: Record<string, unknown> = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

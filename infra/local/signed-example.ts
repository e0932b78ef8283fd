import type { ServiceCallers } from '../../lib/caller-mappings.ts';
import { roleKey } from '../../lib/iam-role.ts';
import type { DevIamKey } from './dev-iam-keys.ts';

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * What `npm start` prints about IAM-signed callers: each development key with the role and tenant
 * it stands for, and a curl line signing one request with it (curl 7.75+ signs with --aws-sigv4).
 * Without keys, where to read how to have some.
 */
export const signedExample = (keys: readonly DevIamKey[], callers: ServiceCallers, base: string) => {
  if (keys.length === 0) return '  signed:   no development IAM keys (REGISTRY_DEV_IAM_KEYS; docs/callers.md)';
  const lines = keys.map((key) => {
    const caller = callers.get(roleKey(key.role));
    const acts = caller ? `tenant ${caller.tenant}, ${caller.access}` : 'not in REGISTRY_SERVICE_CALLERS: its requests are 403';
    return `            ${key.accessKeyId} -> ${key.roleArn} (${acts})`;
  });
  const example = keys.find((key) => callers.has(roleKey(key.role))) ?? keys[0]!;
  return [
    `  signed:   ${keys.length} development IAM key${keys.length > 1 ? 's' : ''} (SigV4, service execute-api, any region)`,
    ...lines,
    '',
    'Signed, as a service caller:',
    `  curl -s --aws-sigv4 'aws:amz:us-east-1:execute-api' --user ${shellQuote(`${example.accessKeyId}:${example.secretAccessKey}`)} ${base}/v2/images`,
  ].join('\n');
};

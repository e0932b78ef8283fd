import { createHash } from 'node:crypto';
import { parseRoleArn, type RoleName } from '../../lib/iam-role.ts';
import type { IamCaller } from './lambda-event.ts';

/** A development access key: a request signed with it stands for a session of `roleArn`. */
export interface DevIamKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly roleArn: string;
  readonly role: RoleName;
}

const ACCESS_KEY_ID = /^[A-Za-z0-9]{4,128}$/;

/**
 * REGISTRY_DEV_IAM_KEYS: `ACCESS_KEY:SECRET=ROLE_ARN,...`. The secret ends where the role ARN starts
 * (`=arn:`), so a secret may hold `=`, `/` and `+` as AWS secrets do; messages never show it.
 */
export const parseDevIamKeys = (setting: string): DevIamKey[] => {
  const keys = setting
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const accessKeyId = colon === -1 ? entry.split('=')[0]! : entry.slice(0, colon);
      const rest = colon === -1 ? '' : entry.slice(colon + 1);
      const arnStart = rest.indexOf('=arn:');
      const shown = `'${accessKeyId.slice(0, 40)}:...'`;
      if (colon === -1 || arnStart === -1) throw new Error(`REGISTRY_DEV_IAM_KEYS: ${shown} is not ACCESS_KEY:SECRET=ROLE_ARN`);
      if (!ACCESS_KEY_ID.test(accessKeyId)) throw new Error(`REGISTRY_DEV_IAM_KEYS: the access key ${shown} is not 4-128 letters and digits`);
      const secretAccessKey = rest.slice(0, arnStart);
      if (secretAccessKey.length < 8) throw new Error(`REGISTRY_DEV_IAM_KEYS: the secret of ${shown} is shorter than 8 characters`);
      const roleArn = rest.slice(arnStart + 1);
      const role = parseRoleArn(roleArn);
      if (!role)
        throw new Error(`REGISTRY_DEV_IAM_KEYS: ${shown} names '${roleArn.slice(0, 200)}', not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)`);
      return { accessKeyId, secretAccessKey, roleArn, role };
    });
  if (keys.length === 0) throw new Error('REGISTRY_DEV_IAM_KEYS is set but names no key');
  const seen = new Set<string>();
  for (const { accessKeyId } of keys) {
    if (seen.has(accessKeyId)) throw new Error(`REGISTRY_DEV_IAM_KEYS: the access key '${accessKeyId}' is given twice`);
    seen.add(accessKeyId);
  }
  return keys;
};

/**
 * What API Gateway's IAM authorization puts in the event for a caller signing with a role's
 * session credentials: the session's ARN (the role's name, no path), the role's unique id with the
 * session name, the account. Locally the session is named after the key.
 */
export const iamCallerOf = ({ accessKeyId, role }: DevIamKey): IamCaller => {
  const session = `dev-${accessKeyId}`.slice(0, 64);
  // A role's unique id is AROA and 17 characters; derived from the role so it is stable across restarts.
  const roleId = `AROA${createHash('sha256').update(`${role.partition}:${role.account}:${role.name}`).digest('hex').slice(0, 17).toUpperCase()}`;
  return {
    accessKey: accessKeyId,
    accountId: role.account,
    callerId: `${roleId}:${session}`,
    cognitoIdentity: null,
    // API Gateway reports null when the account is in no AWS Organization; the type says string.
    principalOrgId: null as unknown as string,
    userArn: `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${session}`,
    userId: `${roleId}:${session}`,
  };
};

import { describe, expect, it } from 'vitest';
import { clientTenantsJson, parseClientTenants, parseServiceCallers, serviceCallersJson } from '../../lib/caller-mappings.ts';
import { parseRoleArn, roleKey, roleOfCaller } from '../../lib/iam-role.ts';

const ROLE = 'arn:aws:iam::123456789012:role/image-finder';

describe('IAM roles of callers', () => {
  it('reads partition, account and name from a role ARN, with or without a path', () => {
    expect(parseRoleArn(ROLE)).toEqual({ partition: 'aws', account: '123456789012', name: 'image-finder' });
    expect(parseRoleArn('arn:aws-cn:iam::123456789012:role/service-role/team/Finder')).toEqual({
      partition: 'aws-cn',
      account: '123456789012',
      name: 'Finder',
    });
  });

  it('reduces an assumed-role session (what API Gateway reports) to its role, and finds the same key as the role ARN with a path', () => {
    const session = roleOfCaller('arn:aws:sts::123456789012:assumed-role/Image-Finder/my-function');
    expect(session).toEqual({ partition: 'aws', account: '123456789012', name: 'Image-Finder' });
    // IAM role names are unique in an account whatever their case and path.
    expect(roleKey(session!)).toBe(roleKey(parseRoleArn('arn:aws:iam::123456789012:role/service-role/image-finder')!));
  });

  it('keeps accounts and partitions apart', () => {
    const key = roleKey(roleOfCaller('arn:aws:sts::123456789012:assumed-role/finder/s1')!);
    expect(roleKey(roleOfCaller('arn:aws:sts::210987654321:assumed-role/finder/s1')!)).not.toBe(key);
    expect(roleKey(roleOfCaller('arn:aws-us-gov:sts::123456789012:assumed-role/finder/s1')!)).not.toBe(key);
  });

  it.each([
    ['an IAM user', 'arn:aws:iam::123456789012:user/alice'],
    ['the account root', 'arn:aws:iam::123456789012:root'],
    ['a federated user', 'arn:aws:sts::123456789012:federated-user/bob'],
    ['an assumed role without a session', 'arn:aws:sts::123456789012:assumed-role/finder'],
    ['a short account', 'arn:aws:iam::12345:role/finder'],
    ['an ARN with a trailing newline', `${ROLE}\n`],
    ['nothing', ''],
  ])('is no role for %s', (_name, arn) => {
    expect(roleOfCaller(arn)).toBeUndefined();
  });
});

describe('serviceCallers', () => {
  it('maps each role to its tenant and access, from JSON text or an object (cdk.json), and round-trips through the JSON the functions read', () => {
    const setting = {
      [ROLE]: { tenant: 'analytics', access: 'read' },
      'arn:aws:iam::123456789012:role/ci/publisher': { tenant: 'analytics', access: 'write' },
    };
    const fromText = parseServiceCallers(JSON.stringify(setting));
    expect([...fromText.values()]).toEqual([
      { roleArn: ROLE, tenant: 'analytics', access: 'read' },
      { roleArn: 'arn:aws:iam::123456789012:role/ci/publisher', tenant: 'analytics', access: 'write' },
    ]);
    expect(parseServiceCallers(setting)).toEqual(fromText);
    expect(parseServiceCallers(serviceCallersJson(fromText))).toEqual(fromText);
    expect(parseServiceCallers(undefined).size).toBe(0);
    expect(parseServiceCallers('  ').size).toBe(0);
  });

  it.each([
    ['not JSON', '{"arn', /^serviceCallers is not valid JSON/],
    ['an array', '[]', /^serviceCallers must be a JSON object/],
    [
      'a user ARN',
      { 'arn:aws:iam::123456789012:user/alice': { tenant: 't', access: 'read' } },
      /'arn:aws:iam::123456789012:user\/alice' is not an IAM role ARN/,
    ],
    [
      'an access other than read or write',
      { [ROLE]: { tenant: 't', access: 'admin' } },
      new RegExp(`'${ROLE}': access must be "read" or "write", not "admin"`),
    ],
    ['no access', { [ROLE]: { tenant: 't' } }, /access must be "read" or "write", not nothing/],
    ['an invalid tenant', { [ROLE]: { tenant: 'a#b', access: 'read' } }, new RegExp(`'${ROLE}': tenant "a#b" is not a valid tenant`)],
    ['a tenant that is not a string', { [ROLE]: { tenant: 7, access: 'read' } }, /tenant 7 is not a valid tenant/],
    ['an unknown field', { [ROLE]: { tenant: 't', access: 'read', scopes: [] } }, /unknown field 'scopes'/],
    ['a bare tenant', { [ROLE]: 't' }, /must map to \{"tenant": "...", "access": "read" \| "write"\}, not "t"/],
    [
      'the same role twice under two paths',
      { [ROLE]: { tenant: 'a', access: 'read' }, 'arn:aws:iam::123456789012:role/x/Image-Finder': { tenant: 'b', access: 'write' } },
      /is the same role as 'arn:aws:iam::123456789012:role\/image-finder'/,
    ],
  ])('refuses %s with a message naming the entry', (_name, setting, message) => {
    expect(() => parseServiceCallers(setting)).toThrow(message);
  });

  it('names the setting it reads in its messages (REGISTRY_SERVICE_CALLERS for npm start)', () => {
    expect(() => parseServiceCallers('{"x": {}}', 'REGISTRY_SERVICE_CALLERS')).toThrow(/^REGISTRY_SERVICE_CALLERS: 'x' is not an IAM role ARN/);
  });
});

describe('clientTenants', () => {
  it('maps client ids to tenants, and round-trips through the JSON the functions read', () => {
    const tenants = parseClientTenants('{"4lhm6n2s8p0o3e9r6t7y5u1i2o": "analytics", "etl@clients": "etl"}');
    expect(Object.fromEntries(tenants)).toEqual({ '4lhm6n2s8p0o3e9r6t7y5u1i2o': 'analytics', 'etl@clients': 'etl' });
    expect(parseClientTenants(clientTenantsJson(tenants))).toEqual(tenants);
  });

  it.each([
    ['an invalid tenant', { abc: 'no spaces' }, /clientTenants: 'abc': tenant "no spaces" is not a valid tenant/],
    ['a tenant object', { abc: { tenant: 'x' } }, /clientTenants: 'abc': tenant \{"tenant":"x"\} is not a valid tenant/],
    ['a client id with a space', { 'a b': 't' }, /clientTenants: 'a b' is not a client id/],
    ['an empty client id', { '': 't' }, /clientTenants: '' is not a client id/],
    ['a string', '"abc"', /clientTenants must be a JSON object/],
  ])('refuses %s with a message naming the entry', (_name, setting, message) => {
    expect(() => parseClientTenants(setting)).toThrow(message);
  });
});

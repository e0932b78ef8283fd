import { describe, expect, it } from 'vitest';
import { CALLER_ENVIRONMENT_BUDGET, callerEnvironment, callerSettingsFromContext } from '../../infra/caller-settings.ts';

const fromContext = (context: Record<string, unknown>) => callerSettingsFromContext((key) => context[key]);

describe('caller settings from the CDK context', () => {
  it('reads nothing when nothing is given', () => {
    const settings = fromContext({});
    expect([settings.serviceCallers?.size, settings.clientTenants?.size, settings.userPool]).toEqual([0, 0, undefined]);
  });

  it('reads userPool=create and its domain prefix', () => {
    expect(fromContext({ userPool: 'create' }).userPool).toEqual({});
    expect(fromContext({ userPool: 'create', userPoolDomain: 'registry-prod' }).userPool).toEqual({ domainPrefix: 'registry-prod' });
  });

  it.each([
    ['userPool other than create', { userPool: 'yes' }, /userPool must be 'create'/],
    ['userPool with jwtIssuer', { userPool: 'create', jwtIssuer: 'https://issuer.example.com/' }, /either jwtIssuer .* or userPool=create/],
    ['userPoolDomain without userPool', { userPoolDomain: 'x' }, /userPoolDomain is only read with -c userPool=create/],
    [
      'a user ARN among serviceCallers',
      { serviceCallers: '{"arn:aws:iam::123456789012:user/bob": {"tenant": "a", "access": "read"}}' },
      /^serviceCallers: 'arn:aws:iam::123456789012:user\/bob' is not an IAM role ARN/,
    ],
    ['an invalid tenant among clientTenants', { clientTenants: '{"abc": "a b"}' }, /^clientTenants: 'abc': tenant "a b" is not a valid tenant/],
  ])('fails the synth on %s, with a message naming it', (_name, context, message) => {
    expect(() => fromContext(context)).toThrow(message);
  });
});

describe("the functions' caller environment", () => {
  it('carries the scopes always, and the mappings only when there are some', () => {
    expect(callerEnvironment({}, { read: 'r/read', write: 'r/write' })).toEqual({ READ_SCOPE: 'r/read', WRITE_SCOPE: 'r/write' });
  });

  it("fails the synth when the mappings would crowd Lambda's 4 KB environment, saying what to do", () => {
    const callers = (count: number) =>
      Object.fromEntries(
        Array.from({ length: count }, (_, i) => [`arn:aws:iam::123456789012:role/data-platform/image-finder-${i}`, { tenant: `tenant-${i}`, access: 'read' }]),
      );
    expect(() => callerEnvironment(fromContext({ serviceCallers: callers(25) }))).not.toThrow();
    expect(() => callerEnvironment(fromContext({ serviceCallers: callers(60) }))).toThrow(
      new RegExp(
        `serviceCallers and clientTenants take \\d+ bytes of the functions' environment, over the ${CALLER_ENVIRONMENT_BUDGET} bytes .*name fewer callers`,
      ),
    );
  });
});

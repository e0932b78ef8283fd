import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CallerSettings, callerSettingsFromContext } from '../../infra/caller-settings.ts';
import { ImageRegistryStack } from '../../infra/image-registry-stack.ts';
import { type Operation, operations } from '../../lib/routes.ts';
import { cdkJsonContext } from '../support/cdk-context.ts';
import type { Resources } from '../support/stack-template.ts';

// Bundling is skipped: these tests look at routes, IAM and settings, not at the function code.
const newApp = () => new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
const registryStack = (app: App, callers: CallerSettings = {}) =>
  new ImageRegistryStack(app, 'Registry', { jwtIssuer: 'https://issuer.example.com/', jwtAudience: ['registry'], tenantClaim: 'tenant_id', ...callers });

const routeKeys = (operations as readonly Operation[]).flatMap((operation) => operation.routes.map((route) => `${route.method} ${route.path}`));
const readRouteKeys = (operations as readonly Operation[])
  .filter((operation) => operation.access === 'read')
  .flatMap((operation) => operation.routes.map((route) => `${route.method} ${route.path}`));

/** `GET /v1.1/{tenant_id}/images` as the policy names it: `GET/v1.1/*\/images`. */
const policyPath = (routeKey: string) => routeKey.replace(' ', '').replace(/\{[^}]+\}/g, '*');

const CALLERS = {
  'arn:aws:iam::123456789012:role/etl/image-finder': { tenant: 'analytics', access: 'read' },
  'arn:aws:iam::123456789012:role/publisher': { tenant: 'analytics', access: 'write' },
};

describe('the service API (IAM-authorized)', () => {
  let template: Template;
  const resources = (type: string) => template.findResources(type) as Resources;
  const apiIdOf = (description: RegExp) =>
    Object.entries(resources('AWS::ApiGatewayV2::Api')).find(([, api]) => description.test(api.Properties.Description))![0];
  const routesOf = (apiId: string) =>
    Object.values(resources('AWS::ApiGatewayV2::Route'))
      .filter((route) => route.Properties.ApiId.Ref === apiId)
      .map((route) => route.Properties);
  const functionOfRoute = (route: { Target: { 'Fn::Join': [string, unknown[]] } }) => {
    const integrationRef = (route.Target['Fn::Join'][1][1] as { Ref: string }).Ref;
    return resources('AWS::ApiGatewayV2::Integration')[integrationRef]!.Properties.IntegrationUri['Fn::GetAtt'][0] as string;
  };

  beforeAll(() => {
    template = Template.fromStack(
      registryStack(
        newApp(),
        callerSettingsFromContext((key) => ({ serviceCallers: JSON.stringify(CALLERS) })[key]),
      ),
    );
  });

  it('is a second HTTP API with every route of the route table and $default, each requiring AWS_IAM', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 2);
    const routes = routesOf(apiIdOf(/IAM/));
    expect(routes.map((route) => route.RouteKey).sort()).toEqual([...routeKeys, '$default'].sort());
    for (const route of routes) expect([route.RouteKey, route.AuthorizationType]).toEqual([route.RouteKey, 'AWS_IAM']);
  });

  it("integrates each route with the same function as the users' API route", () => {
    const users = routesOf(apiIdOf(/^Sahara-compatible image registry$/));
    const services = routesOf(apiIdOf(/IAM/));
    for (const key of [...routeKeys, '$default']) {
      const user = users.find((route) => route.RouteKey === key)!;
      const service = services.find((route) => route.RouteKey === key)!;
      expect(functionOfRoute(service), key).toBe(functionOfRoute(user));
    }
  });

  it('lets API Gateway invoke the functions from the service API', () => {
    const serviceApi = apiIdOf(/IAM/);
    const permissions = Object.values(resources('AWS::Lambda::Permission')).filter((permission) =>
      JSON.stringify(permission.Properties.SourceArn).includes(serviceApi),
    );
    expect(permissions.length).toBe(routeKeys.length + 1);
  });

  it("has the users' API's stage settings: the same throttling, every route and the lower write routes", () => {
    const stages = Object.values(resources('AWS::ApiGatewayV2::Stage')).map((stage) => stage.Properties);
    const [users, services] = [apiIdOf(/^Sahara/), apiIdOf(/IAM/)].map((id) => stages.find((stage) => stage.ApiId.Ref === id)!);
    expect(services!.DefaultRouteSettings).toEqual(users!.DefaultRouteSettings);
    expect(services!.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(services!.RouteSettings).toEqual(users!.RouteSettings);
    expect(Object.keys(services!.RouteSettings).length).toBeGreaterThan(0);
  });

  it('writes the same access log as the users API, each stage to its own log group', () => {
    const stages = Object.values(resources('AWS::ApiGatewayV2::Stage')).map((stage) => stage.Properties);
    expect(stages).toHaveLength(2);
    const [users, services] = [apiIdOf(/^Sahara/), apiIdOf(/IAM/)].map((id) => stages.find((stage) => stage.ApiId.Ref === id)!);
    expect(users!.AccessLogSettings.Format).toBe(services!.AccessLogSettings.Format);
    expect(users!.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] });
    expect(services!.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ServiceApiAccessLogs/), 'Arn'] });
  });

  const policyResources = (policyId: RegExp) => {
    const [, policy] = Object.entries(resources('AWS::IAM::ManagedPolicy')).find(([id]) => policyId.test(id))!;
    const [statement, ...others] = policy.Properties.PolicyDocument.Statement;
    expect(others).toEqual([]);
    expect(statement.Action).toBe('execute-api:Invoke');
    return (statement.Resource as { 'Fn::Join': [string, unknown[]] }[]).map((arn) => {
      const parts = arn['Fn::Join'][1];
      expect(parts).toContainEqual({ Ref: apiIdOf(/IAM/) });
      return String(parts.at(-1)).replace(/^\/\*\//, '');
    });
  };

  it('has a managed policy invoking exactly the read routes, and one invoking every route, on this API only', () => {
    expect(policyResources(/^ServiceApiReadPolicy/).sort()).toEqual(readRouteKeys.map(policyPath).sort());
    expect(policyResources(/^ServiceApiWritePolicy/).sort()).toEqual(routeKeys.map(policyPath).sort());
  });

  it('outputs ServiceApiUrl and the two policy ARNs', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.ServiceApiUrl.Value).toEqual({ 'Fn::GetAtt': [apiIdOf(/IAM/), 'ApiEndpoint'] });
    expect(outputs.ServiceReadPolicyArn.Value).toEqual({ Ref: expect.stringMatching(/^ServiceApiReadPolicy/) });
    expect(outputs.ServiceWritePolicyArn.Value).toEqual({ Ref: expect.stringMatching(/^ServiceApiWritePolicy/) });
  });

  it('gives every operation function the service callers, the scopes and no client mapping when there is none', () => {
    const fns = Object.entries(resources('AWS::Lambda::Function')).filter(([id]) =>
      (operations as readonly Operation[]).some((operation) => id.startsWith(operation.name.replace(/(^|-)(\w)/g, (_m, _d, l: string) => l.toUpperCase()))),
    );
    expect(fns).toHaveLength(operations.length);
    for (const [, fn] of fns) {
      const variables = fn.Properties.Environment.Variables;
      expect(JSON.parse(variables.REGISTRY_SERVICE_CALLERS)).toEqual(CALLERS);
      expect(variables).toMatchObject({ READ_SCOPE: 'image-registry/read', WRITE_SCOPE: 'image-registry/write' });
      expect(variables.REGISTRY_CLIENT_TENANTS).toBeUndefined();
    }
  });
});

describe('grantRead and grantWrite', () => {
  it('attach the managed policies to roles of another stack of the app, whose own policies hold no wildcard', () => {
    const app = newApp();
    const registry = registryStack(app);
    const callers = new Stack(app, 'Callers');
    const finder = new Role(callers, 'Finder', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const publisher = new Role(callers, 'Publisher', { assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com') });
    registry.grantRead(finder);
    registry.grantWrite(publisher);
    const template = Template.fromStack(callers);
    const roles = template.findResources('AWS::IAM::Role') as Resources;
    const imported = (id: RegExp) => JSON.stringify(Object.entries(roles).find(([roleId]) => id.test(roleId))![1].Properties.ManagedPolicyArns);
    expect(imported(/^Finder/)).toMatch(/ServiceApiReadPolicy/);
    expect(imported(/^Finder/)).not.toMatch(/WritePolicy/);
    expect(imported(/^Publisher/)).toMatch(/ServiceApiWritePolicy/);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  it('refuse a principal that cannot carry a managed policy', () => {
    const registry = registryStack(newApp());
    expect(() => registry.grantRead(new ServicePrincipal('lambda.amazonaws.com') as never)).toThrow(/attach to IAM roles, users and groups/);
  });
});

describe('machine clients (clientTenants)', () => {
  it("are accepted audiences of the JWT authorizer (a Cognito access token's client_id is matched against them) and reach the functions", () => {
    const template = Template.fromStack(
      registryStack(
        newApp(),
        callerSettingsFromContext((key) => ({ clientTenants: { '4lhm6n2s8p0o3e9r6t7y5u1i2o': 'analytics' } })[key]),
      ),
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { JwtConfiguration: { Audience: ['registry', '4lhm6n2s8p0o3e9r6t7y5u1i2o'] } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REGISTRY_CLIENT_TENANTS: '{"4lhm6n2s8p0o3e9r6t7y5u1i2o":"analytics"}' }) },
    });
  });
});

describe('userPool=create', () => {
  let template: Template;
  beforeAll(() => {
    const app = newApp();
    const stack = new ImageRegistryStack(app, 'Registry', {
      jwtAudience: ['image-registry'],
      tenantClaim: 'tenant_id',
      ...callerSettingsFromContext((key) => ({ userPool: 'create' })[key]),
    });
    template = Template.fromStack(stack);
  });

  it('makes a user pool nobody signs up to, with MFA, a strong password policy and deletion protection, kept when the stack goes', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        DeletionProtection: 'ACTIVE',
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true, RequireUppercase: true, RequireNumbers: true }) },
      }),
    });
  });

  it('offers the read and write scopes on the image-registry resource server, and a hosted domain for the token endpoint', () => {
    const [poolId] = Object.keys(template.findResources('AWS::Cognito::UserPool'));
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'image-registry',
      UserPoolId: { Ref: poolId },
      Scopes: [Match.objectLike({ ScopeName: 'read' }), Match.objectLike({ ScopeName: 'write' })],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: { Ref: poolId },
      Domain: { 'Fn::Join': ['-', ['registry', { Ref: 'AWS::AccountId' }]] },
    });
  });

  it("wires the JWT authorizer to the pool's issuer, and outputs the token URL and the pool id", () => {
    const [poolId] = Object.keys(template.findResources('AWS::Cognito::UserPool'));
    const authorizer = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer') as Resources).find(
      (candidate) => candidate.Properties.AuthorizerType === 'JWT',
    )!;
    expect(JSON.stringify(authorizer.Properties.JwtConfiguration.Issuer)).toMatch(new RegExp(`https://cognito-idp\\..*"Ref":"${poolId}"`));
    const outputs = template.toJSON().Outputs;
    expect(outputs.UserPoolId.Value).toEqual({ Ref: poolId });
    expect(JSON.stringify(outputs.TokenUrl.Value)).toMatch(/\.auth\..*amazoncognito\.com\/oauth2\/token/);
  });

  it('refuses scopes that are not on one resource server', () => {
    expect(
      () =>
        new ImageRegistryStack(newApp(), 'Registry', {
          jwtAudience: ['a'],
          tenantClaim: 'tenant_id',
          userPool: {},
          accessScopes: { read: 'images.read', write: 'images.write' },
        }),
    ).toThrow(/userPool=create needs readScope and writeScope on one resource server/);
  });
});

describe('the stack without an issuer', () => {
  it('refuses to be built without jwtIssuer or userPool', () => {
    expect(() => new ImageRegistryStack(newApp(), 'Registry', { jwtAudience: ['a'], tenantClaim: 'tenant_id' })).toThrow(/give jwtIssuer, or userPool/);
  });
});

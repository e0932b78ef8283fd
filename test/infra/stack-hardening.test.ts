import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { callerSettingsFromContext } from '../../infra/caller-settings.ts';
import { ImageRegistryStack, type ImageRegistryStackProps } from '../../infra/image-registry-stack.ts';
import { DEFAULT_ACCESS_SCOPES } from '../../lib/access-scopes.ts';
import { type Operation, operations } from '../../lib/routes.ts';
import { cdkJsonContext } from '../support/cdk-context.ts';

// Bundling is skipped: these tests look at IAM, routes and logging, not at the function code.
const newApp = () => new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });

const registryStack = (app: App, props: Partial<ImageRegistryStackProps> = {}) =>
  new ImageRegistryStack(app, 'Registry', { jwtIssuer: 'https://issuer.example.com/', jwtAudience: ['registry'], tenantClaim: 'tenant_id', ...props });

/** The users' API (output ApiUrl), not the service API. */
const usersApiOf = (template: Template): string => template.toJSON().Outputs.ApiUrl.Value['Fn::GetAtt'][0];

const routesOf = (template: Template) =>
  Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
    .map((route) => route.Properties as { ApiId: { Ref: string }; RouteKey: string; AuthorizationScopes?: string[] })
    .filter((route) => route.ApiId.Ref === usersApiOf(template));

describe('cdk-nag AwsSolutions checks', () => {
  it('the stack passes with no unacknowledged finding', () => {
    const app = newApp();
    registryStack(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it.each([
    ['service callers', { serviceCallers: '{"arn:aws:iam::123456789012:role/etl/finder": {"tenant": "analytics", "access": "read"}}' }],
    ['machine clients', { clientTenants: '{"4lhm6n2s8p0o3e9r6t7y5u1i2o": "analytics"}' }],
    ['the user pool the stack makes', { userPool: 'create' }],
    [
      'all three',
      {
        userPool: 'create',
        serviceCallers: { 'arn:aws:iam::123456789012:role/publisher': { tenant: 'analytics', access: 'write' } },
        clientTenants: { abc: 'analytics' },
      },
    ],
  ])('the stack with %s passes too, AwsSolutions and Serverless as cdk synth runs them', (_name, context: Record<string, unknown>) => {
    const app = newApp();
    const callers = callerSettingsFromContext((key) => context[key]);
    registryStack(app, { ...callers, ...(callers.userPool ? { jwtIssuer: undefined } : {}) });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('the same checks do fail a stack with a finding (the check is live)', () => {
    const app = newApp();
    const stack = new Stack(app, 'Careless');
    new Table(stack, 'NoRecovery', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-DDB3/);
  });

  it('logs every request of the default stage to its own log group', () => {
    const template = Template.fromStack(registryStack(newApp()));
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')).find(
      (candidate) => candidate.Properties.ApiId.Ref === usersApiOf(template),
    )!.Properties;
    expect(stage.StageName).toBe('$default');
    expect(stage.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] });
    expect(JSON.parse(stage.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });
});

describe('scopes on the JWT authorizer', () => {
  const expectScopes = (template: Template, scopes: { read: string; write: string }) => {
    const routes = routesOf(template);
    for (const operation of operations as readonly Operation[]) {
      for (const route of operation.routes) {
        const found = routes.find((candidate) => candidate.RouteKey === `${route.method} ${route.path}`);
        expect(found?.AuthorizationScopes, `${route.method} ${route.path}`).toEqual([scopes[operation.access]]);
      }
    }
  };

  it('requires the read scope on every read route and the write scope on every change, by default image-registry/read and image-registry/write', () => {
    expect(DEFAULT_ACCESS_SCOPES).toEqual({ read: 'image-registry/read', write: 'image-registry/write' });
    expectScopes(Template.fromStack(registryStack(newApp())), DEFAULT_ACCESS_SCOPES);
  });

  it('takes the scope names from the stack settings (context readScope / writeScope)', () => {
    const scopes = { read: 'registry.example.com/images.read', write: 'registry.example.com/images.write' };
    expectScopes(Template.fromStack(registryStack(newApp(), { accessScopes: scopes })), scopes);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../lib/routes.ts';
import { FUNCTION_TIMEOUT_MS } from '../../lib/time-budget.ts';
import { actionsOf, bundleOf, findFunction, type Resources, synthesize } from '../support/stack-template.ts';

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_m, _d, letter: string) => letter.toUpperCase());

describe('ImageRegistryStack template', () => {
  let app: App;
  let template: Template;

  beforeAll(() => {
    ({ app, template } = synthesize());
  }, 240_000);

  const resourcesOf = (type: string) => template.findResources(type) as Record<string, { Properties: any; DeletionPolicy?: string }>;
  const functionOf = (operation: string) => {
    const entries = Object.entries(resourcesOf('AWS::Lambda::Function')).filter(([id]) => id.startsWith(pascal(operation)));
    expect(entries).toHaveLength(1);
    return entries[0]!;
  };

  it('has one on-demand table with point-in-time recovery and deletion protection, retained on stack deletion', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
      },
    });
  });

  it('indexes tags in GSI1 (GSI1PK, GSI1SK), keys only', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: 'GSI1PK', KeyType: 'HASH' },
            { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });

  it('has one Node 24 arm64 function per operation, plus the not-found, AMI sync, sweep and change publisher functions, all on the ec2 catalog', () => {
    template.resourceCountIs('AWS::Lambda::Function', operations.length + 4);
    for (const { name } of [
      ...operations,
      { name: 'route-not-found' },
      { name: 'sync-ami-state' },
      { name: 'sweep-ami-records' },
      { name: 'publish-image-changes' },
    ]) {
      const [, fn] = functionOf(name);
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: { TABLE_NAME: { Ref: expect.any(String) }, TENANT_CLAIM: 'project_id', REGISTRY_CATALOG: 'ec2' } },
      });
    }
  });

  it('gives every function behind the HTTP API the timeout its requests budget for (lib/time-budget.ts)', () => {
    for (const { name } of [...operations, { name: 'route-not-found' }]) {
      expect(functionOf(name)[1].Properties.Timeout, name).toBe(FUNCTION_TIMEOUT_MS / 1000);
    }
    expect(functionOf('sync-ami-state')[1].Properties.Timeout).toBe(60);
    expect(functionOf('sweep-ami-records')[1].Properties.Timeout).toBe(900);
  });

  it("routes every route-table entry to its own function, behind the JWT authorizer, on the users' API", () => {
    const usersApi = template.toJSON().Outputs.ApiUrl.Value['Fn::GetAtt'][0];
    const routes = Object.values(resourcesOf('AWS::ApiGatewayV2::Route'))
      .map((route) => route.Properties)
      .filter((route) => route.ApiId.Ref === usersApi);
    const expected = operations.flatMap((operation) => operation.routes.map((route) => `${route.method} ${route.path}`));
    expect(routes.map((route) => route.RouteKey).sort()).toEqual([...expected, '$default'].sort());
    for (const route of routes) {
      expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: expect.any(String) } });
    }
    const integrations = resourcesOf('AWS::ApiGatewayV2::Integration');
    for (const operation of operations) {
      const [functionId] = functionOf(operation.name);
      for (const { method, path } of operation.routes) {
        const route = routes.find((candidate) => candidate.RouteKey === `${method} ${path}`)!;
        const integrationId = (route.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
        const uri = integrations[integrationId.Ref]!.Properties.IntegrationUri;
        expect(uri).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
      }
    }
  });

  it('has a JWT authorizer with the configured issuer and audience, reading the token from X-Auth-Token', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.X-Auth-Token'],
      JwtConfiguration: { Issuer: 'https://issuer.example.com/', Audience: ['registry-clients'] },
    });
  });

  it('grants each function exactly the DynamoDB actions its operation names', () => {
    const policies = Object.values(resourcesOf('AWS::IAM::Policy')).map((policy) => policy.Properties);
    const actionsOf = (functionId: string) => {
      const roleRef = resourcesOf('AWS::Lambda::Function')[functionId]!.Properties.Role['Fn::GetAtt'][0];
      return policies
        .filter((policy) => policy.Roles.some((role: { Ref: string }) => role.Ref === roleRef))
        .flatMap((policy) => policy.PolicyDocument.Statement)
        .flatMap((statement: { Action: string | string[] }) => [statement.Action].flat())
        .filter((action: string) => action.startsWith('dynamodb:'));
    };
    for (const operation of operations) {
      const expected = operation.tableActions.map((action) => `dynamodb:${action}`);
      if (operation.queriesTagIndex) expected.push('dynamodb:Query');
      expect(actionsOf(functionOf(operation.name)[0]).sort()).toEqual(expected.sort());
    }
    expect(actionsOf(functionOf('route-not-found')[0])).toEqual([]);
    expect(actionsOf(functionOf('sync-ami-state')[0]).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(actionsOf(functionOf('sweep-ami-records')[0]).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem']);
    // The stream only, never the table (test/infra/change-events-stack.test.ts).
    expect(actionsOf(functionOf('publish-image-changes')[0]).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
  });

  it("lets only list-images (tags) and sync-ami-state (an image's tenants) query GSI1", () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'dynamodb:Query',
            Resource: { 'Fn::Join': ['', [Match.objectLike({ 'Fn::GetAtt': Match.arrayWith(['Arn']) }), '/index/GSI1']] },
          }),
        ]),
      },
    });
    const indexGrants = JSON.stringify(resourcesOf('AWS::IAM::Policy')).match(/\/index\/GSI1/g) ?? [];
    expect(indexGrants).toHaveLength(2);
  });

  describe('on the ec2 catalog (the default)', () => {
    // The operations that may look an image up, and the sweep, which reads every registered AMI again.
    const catalogCallers: string[] = [...operations.filter((operation) => operation.callsCatalog).map((operation) => operation.name), 'sweep-ami-records'];
    const allFunctions = [...operations.map((operation) => operation.name), 'route-not-found', 'sync-ami-state', 'sweep-ami-records', 'publish-image-changes'];

    it('grants ec2:DescribeImages exactly to the functions whose operation may ask the catalog', () => {
      expect(catalogCallers.length).toBeGreaterThan(1);
      for (const name of allFunctions) {
        const ec2Actions = actionsOf(template, findFunction(template, name)[0]).filter((action) => action.startsWith('ec2:'));
        expect(ec2Actions, name).toEqual(catalogCallers.includes(name) ? ['ec2:DescribeImages'] : []);
      }
      // On `*` it shares its statement with active tracing's X-Ray actions, which take no resource either.
      const wildcards = Object.values(resourcesOf('AWS::IAM::Policy'))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
        .filter((statement: { Resource: unknown }) => statement.Resource === '*');
      const describing = wildcards.filter((statement: { Action: string | string[] }) => [statement.Action].flat().includes('ec2:DescribeImages'));
      expect(describing).toHaveLength(catalogCallers.length);
      for (const statement of wildcards) {
        expect(statement.Effect).toBe('Allow');
        // The change publisher's stream grant adds dynamodb:ListStreams, which takes no resource either.
        expect(
          [statement.Action]
            .flat()
            .filter((action: string) => action !== 'ec2:DescribeImages' && action !== 'dynamodb:ListStreams')
            .sort(),
        ).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
    });

    it("hands amiOwners (the account itself, 'self', by default) to exactly the functions that describe AMIs", () => {
      for (const name of allFunctions) {
        const [, fn] = findFunction(template, name);
        expect(fn.Properties.Environment.Variables.AMI_OWNERS, name).toBe(catalogCallers.includes(name) ? 'self' : undefined);
      }
      const { template: canonical } = synthesize(undefined, { bundle: false, props: { amiOwners: ['self', '099720109477'] } });
      const [, register] = findFunction(canonical, 'register-image');
      expect(register.Properties.Environment.Variables.AMI_OWNERS).toBe('self,099720109477');
      expect(() => synthesize(undefined, { bundle: false, props: { amiOwners: ['everyone'] } })).toThrow(/'everyone' is not an AMI owner/);
    });

    it('bundles the EC2 SDK only into the functions that describe AMIs', () => {
      for (const name of allFunctions) {
        const bundle = readFileSync(join(bundleOf(app, template, name), 'index.js'), 'utf8');
        expect(bundle.includes('DescribeImages'), name).toBe(catalogCallers.includes(name));
      }
    });

    it('sends EC2 AMI State Change events from the default bus to the sync function, and lets EventBridge invoke it', () => {
      const [syncId] = findFunction(template, 'sync-ami-state');
      template.resourceCountIs('AWS::Events::Rule', 1);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: ['aws.ec2'], 'detail-type': ['EC2 AMI State Change'] },
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [syncId, 'Arn'] } })],
      });
      const [ruleId] = Object.keys(template.findResources('AWS::Events::Rule'));
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [syncId, 'Arn'] },
        SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
      });
    });

    it('routes no HTTP request to the sync or the sweep function', () => {
      const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration') as Resources);
      for (const name of ['sync-ami-state', 'sweep-ami-records']) {
        const [functionId] = findFunction(template, name);
        expect(integrations.filter((integration) => JSON.stringify(integration.Properties.IntegrationUri).includes(functionId))).toEqual([]);
      }
    });

    it('invokes the sweep daily from EventBridge Scheduler, retrying a failed invocation for an hour, with a role that may invoke only it', () => {
      const [sweepId] = findFunction(template, 'sweep-ami-records');
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule') as Resources);
      expect(schedule!.Properties).toMatchObject({
        ScheduleExpression: 'rate(1 day)',
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [sweepId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^AmiSweepInvoker/), 'Arn'] },
        },
      });
      const roleId = schedule!.Properties.Target.RoleArn['Fn::GetAtt'][0];
      const role = (template.findResources('AWS::IAM::Role') as Resources)[roleId]!;
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        }),
      ]);
      const grants = Object.values(template.findResources('AWS::IAM::Policy') as Resources)
        .filter((policy) => policy.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
      expect(grants).toEqual([
        {
          Action: 'lambda:InvokeFunction',
          Effect: 'Allow',
          Resource: [{ 'Fn::GetAtt': [sweepId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [sweepId, 'Arn'] }, ':*']] }],
        },
      ]);
    });

    it('outputs the names of the sync and the sweep functions and the URLs of the dead-letter queues, which the redrive reads and invokes', () => {
      template.hasOutput('AmiSyncFunctionName', { Value: { Ref: findFunction(template, 'sync-ami-state')[0] } });
      template.hasOutput('AmiSweepFunctionName', { Value: { Ref: findFunction(template, 'sweep-ami-records')[0] } });
      const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
      for (const [output, queue] of [
        ['AmiStateChangeDeadLettersUrl', 'AmiStateChangeDeadLetters'],
        ['AmiSyncFailedEventsUrl', 'AmiSyncFailedEvents'],
      ] as const) {
        template.hasOutput(output, { Value: { Ref: queues.find((id) => id.startsWith(queue)) } });
      }
    });

    it('takes the sweep schedule from amiSweepSchedule, and refuses one that is not a schedule or runs more than hourly', () => {
      const { template: nightly } = synthesize(undefined, { bundle: false, props: { amiSweepSchedule: 'cron(0 3 * * ? *)' } });
      nightly.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 3 * * ? *)' });
      for (const wrong of ['daily', 'rate(5 minutes)', 'rate(1 week)', 'at(2026-12-01T00:00:00)']) {
        expect(() => synthesize(undefined, { bundle: false, props: { amiSweepSchedule: wrong } }), wrong).toThrow(
          /amiSweepSchedule: .* is not a schedule of at most once an hour/,
        );
      }
    });
  });
});

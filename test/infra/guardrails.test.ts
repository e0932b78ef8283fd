import { App, Stack, Validations } from 'aws-cdk-lib';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { type Operation, operations } from '../../lib/routes.ts';
import { operationsStack } from '../support/operations-stack.ts';

const writeRouteKeys = (operations as readonly Operation[])
  .filter((operation) => operation.access === 'write')
  .flatMap((operation) => operation.routes.map((route) => `${route.method} ${route.path}`));

describe('API throttling', () => {
  /** Each API's stage (the users' API first, then the service API) and the ids of that API's routes. */
  const stagesOf = (context: Record<string, unknown> = {}) => {
    const { resources } = operationsStack(context);
    const routes = Object.entries(resources('AWS::ApiGatewayV2::Route'));
    return Object.values(resources('AWS::ApiGatewayV2::Stage')).map((stage) => ({
      stage,
      routeIds: routes.filter(([, route]) => route.Properties.ApiId.Ref === stage.Properties.ApiId.Ref).map(([id]) => id),
    }));
  };
  const stageOf = (context: Record<string, unknown> = {}) => stagesOf(context)[0]!;

  it('limits every route of the default stage, by default 200 requests per second with bursts of 400', () => {
    expect(stageOf().stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 });
  });

  it('limits each write route lower, by default 50 per second with bursts of 100; reads keep the stage limit', () => {
    const { stage } = stageOf();
    expect(writeRouteKeys.length).toBeGreaterThan(0);
    expect(Object.keys(stage.Properties.RouteSettings).sort()).toEqual([...writeRouteKeys].sort());
    for (const key of writeRouteKeys) expect(stage.Properties.RouteSettings[key]).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
  });

  it('creates each stage after the routes its settings name', () => {
    const stages = stagesOf();
    expect(stages).toHaveLength(2);
    for (const { stage, routeIds } of stages) {
      expect(routeIds.length).toBeGreaterThan(0);
      expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
    }
  });

  it('takes rates and bursts from context, and refuses a burst that is not a whole number', () => {
    const { stage } = stageOf({ throttleRateLimit: '1000', throttleBurstLimit: 2000, writeThrottleRateLimit: '12.5', writeThrottleBurstLimit: '25' });
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 });
    expect(stage.Properties.RouteSettings[writeRouteKeys[0]!]).toEqual({ ThrottlingRateLimit: 12.5, ThrottlingBurstLimit: 25 });
    expect(() => stageOf({ writeThrottleBurstLimit: '2.5' })).toThrow("Context 'writeThrottleBurstLimit': '2.5' is not an integer of at least 1");
  });
});

describe('reserved concurrency', () => {
  const reservedOf = (context: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(operationsStack(context).resources('AWS::Lambda::Function')).map(([id, fn]) => [
        id.replace(/[0-9A-F]{8}$/, ''),
        fn.Properties.ReservedConcurrentExecutions,
      ]),
    );

  it('is not reserved by default: the functions share the account pool', () => {
    expect(Object.values(reservedOf({})).every((value) => value === undefined)).toBe(true);
  });

  it('caps every function at the context number, or each at its own entry with * for the rest', () => {
    expect(new Set(Object.values(reservedOf({ reservedConcurrency: '20' })))).toEqual(new Set([20]));
    const each = reservedOf({ reservedConcurrency: { 'list-images': 50, 'sync-ami-state': 2, '*': 10 } });
    expect(each).toMatchObject({ ListImages: 50, SyncAmiState: 2, ShowImage: 10, RouteNotFound: 10 });
    expect(reservedOf({ reservedConcurrency: '{"tag-image": 5}' })).toMatchObject({ TagImage: 5, ShowImage: undefined });
  });

  it('refuses a name that is not a function of the stack, and a count that is not a positive whole number', () => {
    expect(() => reservedOf({ reservedConcurrency: { 'list-image': 5 } })).toThrow(
      "Context 'reservedConcurrency': 'list-image' is not a function of the stack",
    );
    expect(() => reservedOf({ reservedConcurrency: '0' })).toThrow("Context 'reservedConcurrency': '0' is not an integer of at least 1");
    expect(() => reservedOf({ reservedConcurrency: { 'tag-image': 'x' } })).toThrow("Context 'reservedConcurrency.tag-image'");
  });
});

describe('AMI sync: nothing lost silently', () => {
  const { resources } = operationsStack();
  const queues = resources('AWS::SQS::Queue');
  const [syncId] = Object.keys(resources('AWS::Lambda::Function')).filter((id) => id.startsWith('SyncAmiState'));
  const queueIdOf = (prefix: string) => Object.keys(queues).find((id) => id.startsWith(prefix))!;

  it('sends an event EventBridge cannot deliver to a dead-letter queue, after retrying it for up to a day', () => {
    const [rule] = Object.values(resources('AWS::Events::Rule'));
    expect(rule!.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [syncId, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueIdOf('AmiStateChangeDeadLetters'), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
      }),
    ]);
    const [ruleId] = Object.keys(resources('AWS::Events::Rule'));
    const policies = Object.values(resources('AWS::SQS::QueuePolicy'));
    expect(JSON.stringify(policies)).toContain(JSON.stringify({ ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } }));
  });

  it('retries an event the function fails on twice, then keeps it with its error in a queue of its own', () => {
    const configs = Object.values(resources('AWS::Lambda::EventInvokeConfig'));
    expect(configs).toHaveLength(1);
    expect(configs[0]!.Properties).toEqual({
      FunctionName: { Ref: syncId },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21_600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueIdOf('AmiSyncFailedEvents'), 'Arn'] } } },
    });
  });

  it('keeps dead letters 14 days, encrypted, over TLS only', () => {
    expect(Object.keys(queues)).toHaveLength(3); // and the change events' (test/infra/change-events-stack.test.ts)
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties, id).toMatchObject({ MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
    }
    for (const policy of Object.values(resources('AWS::SQS::QueuePolicy'))) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('cdk-nag, AwsSolutions and Serverless packs', () => {
  const checked = (app: App) => {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    return () => app.synth();
  };

  it.each([
    ['the default stack', {}, undefined],
    ['alarms e-mailed, concurrency reserved', { alarmEmail: 'ops@example.com', reservedConcurrency: '10' }, undefined],
    ['the open catalog (no AMI sync)', {}, { kind: 'open' } as const],
  ])('%s passes with no unacknowledged finding', (_name, context, catalog) => {
    expect(checked(operationsStack(context, catalog ? { catalog } : {}).app)).not.toThrow();
  });

  it('the Serverless checks are live: a function without tracing or a dead-letter queue fails them', () => {
    const app = new App();
    new LambdaFunction(new Stack(app, 'Careless'), 'Untraced', { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('0') });
    const synth = checked(app);
    expect(synth).toThrow(/Serverless-LambdaTracing/);
    expect(synth).toThrow(/Serverless-LambdaDLQ/);
  });

  it('every acknowledgement says why', () => {
    const { stack } = operationsStack();
    const acknowledged = stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    const ids = new Set(acknowledged.map(([id]) => id.replace(/^annotation::/i, '')));
    for (const id of ['Serverless-LambdaDLQ', 'AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy', 'AwsSolutions-SNS2', 'AwsSolutions-IAM5[Resource::*]']) {
      expect(ids.has(id), id).toBe(true);
    }
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(80);
  });
});

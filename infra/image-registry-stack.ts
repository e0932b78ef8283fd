import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogLevel, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type AccessScopes, DEFAULT_ACCESS_SCOPES } from '../lib/access-scopes.ts';
import { DEFAULT_AMI_OWNERS, parseAmiOwners } from '../lib/catalog/ami-owners.ts';
import { loadStaticCatalog } from '../lib/catalog/static-catalog.ts';
import { PUBLISHER_FUNCTION } from '../lib/events/change-events.ts';
import { type Operation, operations } from '../lib/routes.ts';
import { tableDefinition } from '../lib/store/table-definition.ts';
import { FUNCTION_TIMEOUT_MS } from '../lib/time-budget.ts';
import { AmiSweep, amiSweepScheduleFromContext } from './ami-sweep.ts';
import { applyStageSettings } from './api-stage-settings.ts';
import { type CallerSettings, callerEnvironment } from './caller-settings.ts';
import type { CatalogChoice } from './catalog-choice.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { functionBundling, functionDefines } from './function-bundling.ts';
import { ImageChangeEvents } from './image-change-events.ts';
import { Monitoring } from './monitoring.ts';
import { acknowledgeDescribeImagesWildcard, acknowledgeNagFindings, acknowledgeNoDeadLetterQueue, acknowledgeTracingWildcard } from './nag-acknowledgements.ts';
import { DEFAULT_OPERATIONS_SETTINGS, type OperationsSettings, reservedConcurrencyFor } from './operations-settings.ts';
import { RegistryUserPool } from './registry-user-pool.ts';
import { ServiceApi } from './service-api.ts';

export interface ImageRegistryStackProps extends StackProps, CallerSettings {
  /** The JWT issuer the HTTP API trusts (an OIDC provider: Cognito, Keycloak, Auth0...); required unless `userPool`. */
  readonly jwtIssuer?: string;
  /** Accepted `aud` (or `client_id`) values; clientTenants' client ids are accepted too. */
  readonly jwtAudience: readonly string[];
  /** The claim that names the caller's tenant. */
  readonly tenantClaim: string;
  /**
   * The header the JWT arrives in (raw or `Bearer`-prefixed). Default X-Auth-Token, where
   * python-saharaclient sends it; API Gateway's JWT authorizer reads exactly one header.
   */
  readonly tokenHeader?: string;
  /** Where the functions learn what an image is; default the account's AMIs (`ec2`). */
  readonly catalog?: CatalogChoice;
  /** The scope a token needs for reads and the one it needs for changes. Default DEFAULT_ACCESS_SCOPES. */
  readonly accessScopes?: AccessScopes;
  /** With the ec2 catalog: whose AMIs may be registered (DescribeImages' Owners). Default the account itself. */
  readonly amiOwners?: readonly string[];
  /** With the ec2 catalog: when the sweep of AMI records runs, an EventBridge Scheduler expression. Default daily. */
  readonly amiSweepSchedule?: string;
  /** Metrics, alarms, log retention, throttling, concurrency. Default DEFAULT_OPERATIONS_SETTINGS. */
  readonly operationsSettings?: OperationsSettings;
  /** The change events' `source` (default `image-registry`) and bus (name or ARN; default the default bus). */
  readonly eventSource?: string | undefined;
  readonly eventBusName?: string | undefined;
}

/** Where a static catalog file lands in each function's bundle (Lambda's task root). */
const STATIC_CATALOG_IN_BUNDLE = 'static-catalog.json';
const LAMBDA_TASK_ROOT = '/var/task';

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** Bundling hooks that copy a static catalog file into a function's bundle, next to index.js. */
export const staticCatalogBundling = (file: string) => ({
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (_inputDir: string, outputDir: string) => [`cp ${shellQuote(file)} ${shellQuote(`${outputDir}/${STATIC_CATALOG_IN_BUNDLE}`)}`],
});

/** How one function is built beyond its entry. */
interface FunctionOptions {
  /** Whether the function asks EC2 about images: only then is the EC2 SDK bundled. */
  readonly describesAmis?: boolean;
  readonly timeout?: Duration;
}

const projectRoot = fileURLToPath(new URL('../', import.meta.url));
const entryOf = (name: string) => fileURLToPath(new URL(`../functions/${name}.ts`, import.meta.url));

/** The image registry: one table with its tag index, one function per operation, one HTTP API. */
export class ImageRegistryStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;
  readonly changeEvents: ImageChangeEvents;
  readonly monitoring: Monitoring;
  /** The same routes and functions for IAM-signed callers (infra/service-api.ts). */
  readonly serviceApi: ServiceApi;

  constructor(scope: Construct, id: string, props: ImageRegistryStackProps) {
    super(scope, id, props);
    const { partitionKey, sortKey, tagIndex } = tableDefinition;
    const catalog = props.catalog ?? { kind: 'ec2' };
    const settings = props.operationsSettings ?? DEFAULT_OPERATIONS_SETTINGS;
    this.monitoring = new Monitoring(this, 'Monitoring', { namespace: settings.metricsNamespace, alarms: settings.alarms, alarmEmail: settings.alarmEmail });
    // A broken catalog file fails the synth, not the first request.
    if (catalog.kind === 'static') loadStaticCatalog(catalog.file);

    this.table = new Table(this, 'Images', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: StreamViewType[tableDefinition.streamViewType],
      // The registry's records outlive the stack: deleting the stack must not delete them, and
      // deleting the table by hand takes turning its deletion protection off first.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: tagIndex.name,
      partitionKey: { name: tagIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tagIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });

    const environment = {
      TABLE_NAME: this.table.tableName,
      TENANT_CLAIM: props.tenantClaim,
      REGISTRY_CATALOG: catalog.kind === 'static' ? `${LAMBDA_TASK_ROOT}/${STATIC_CATALOG_IN_BUNDLE}` : catalog.kind,
      METRICS_NAMESPACE: settings.metricsNamespace,
      ...callerEnvironment(props, props.accessScopes),
    };
    const copyStaticCatalog = catalog.kind === 'static' ? staticCatalogBundling(catalog.file) : undefined;
    // Checked at synth, so a wrong owner fails the deploy rather than every lookup.
    const amiOwners = parseAmiOwners((props.amiOwners ?? DEFAULT_AMI_OWNERS).join(','));

    // The request budget and the SDK timeouts are sized to this timeout (lib/time-budget.ts).
    const makeFunction = (name: string, { describesAmis = false, timeout = Duration.millis(FUNCTION_TIMEOUT_MS) }: FunctionOptions = {}) => {
      const fn = new NodejsFunction(this, pascalCase(name), {
        entry: entryOf(name),
        handler: 'handler',
        runtime: Runtime.NODEJS_24_X,
        architecture: Architecture.ARM_64,
        memorySize: 512,
        timeout,
        environment: describesAmis ? { ...environment, AMI_OWNERS: amiOwners.join(',') } : environment,
        // Traced by Lambda itself (X-Ray); no tracing SDK in the bundles.
        tracing: Tracing.ACTIVE,
        reservedConcurrentExecutions: reservedConcurrencyFor(settings, name),
        projectRoot,
        depsLockFilePath: fileURLToPath(new URL('../package-lock.json', import.meta.url)),
        // Kept when the stack is deleted: the logs say who changed what.
        logGroup: new LogGroup(this, `${pascalCase(name)}Logs`, { retention: settings.logRetention, removalPolicy: RemovalPolicy.RETAIN }),
        // Shared with the bundle budget test and the bench (infra/function-bundling.ts).
        bundling: {
          ...functionBundling,
          logLevel: LogLevel.WARNING,
          forceDockerBundling: false,
          define: functionDefines({ describesAmis }),
          commandHooks: copyStaticCatalog,
        },
      });
      acknowledgeTracingWildcard(fn);
      return fn;
    };

    const userPool = props.userPool && new RegistryUserPool(this, 'UserPool', { scopes: props.accessScopes ?? DEFAULT_ACCESS_SCOPES, ...props.userPool });
    const jwtIssuer = userPool?.issuer ?? props.jwtIssuer;
    if (!jwtIssuer) throw new Error('ImageRegistryStack: give jwtIssuer, or userPool to have the stack make one');
    const authorizer = new HttpJwtAuthorizer('Jwt', jwtIssuer, {
      // A Cognito access token has no aud: API Gateway matches its client_id against the audience.
      jwtAudience: [...new Set([...props.jwtAudience, ...(props.clientTenants?.keys() ?? [])])],
      identitySource: [`$request.header.${props.tokenHeader ?? 'X-Auth-Token'}`],
    });
    const notFound = makeFunction('route-not-found');
    this.monitoring.watchFunction(notFound, 'route-not-found');
    acknowledgeNoDeadLetterQueue(notFound, 'api');
    this.api = new HttpApi(this, 'Api', {
      description: 'Sahara-compatible image registry',
      defaultAuthorizer: authorizer,
      // Unknown paths and wrong methods get the normal error body, not API Gateway's own.
      defaultIntegration: new HttpLambdaIntegration('RouteNotFound', notFound),
    });

    const functions = new Map<string, NodejsFunction>();
    for (const operation of operations as readonly Operation[]) {
      const describesAmis = catalog.kind === 'ec2' && operation.callsCatalog;
      const fn = makeFunction(operation.name, { describesAmis });
      functions.set(operation.name, fn);
      this.monitoring.watchFunction(fn, operation.name);
      acknowledgeNoDeadLetterQueue(fn, 'api');
      this.grantTableAccess(fn, operation);
      if (describesAmis) this.grantDescribeImages(fn);
      const integration = new HttpLambdaIntegration(`${pascalCase(operation.name)}Integration`, fn);
      for (const route of operation.routes) {
        this.api.addRoutes({
          path: route.path,
          methods: [HttpMethod[route.method]],
          integration,
          // The authorizer refuses (403) a token without the operation's scope before the function runs.
          authorizationScopes: [(props.accessScopes ?? DEFAULT_ACCESS_SCOPES)[operation.access]],
        });
      }
    }

    this.serviceApi = new ServiceApi(this, 'ServiceApi', { functions, notFound });

    if (catalog.kind === 'ec2') {
      const sync = makeFunction('sync-ami-state', { timeout: Duration.minutes(1) });
      this.addAmiStateSync(sync);
      const sweep = makeFunction('sweep-ami-records', { describesAmis: true, timeout: Duration.minutes(15) });
      this.grantDescribeImages(sweep);
      new AmiSweep(this, 'AmiSweep', { fn: sweep, table: this.table, expression: amiSweepScheduleFromContext(props.amiSweepSchedule) });
      this.monitoring.watchFunction(sweep, 'sweep-ami-records');
      acknowledgeNoDeadLetterQueue(sweep, 'schedule');
      // What an operator invokes by hand: to replay the sync's dead letters, or to sweep now (docs/deploy.md).
      new CfnOutput(this, 'AmiSyncFunctionName', { value: sync.functionName });
      new CfnOutput(this, 'AmiSweepFunctionName', { value: sweep.functionName });
    }
    // Both APIs' stages get the same settings, each with its own access log.
    const stageSettings = { tenantClaim: props.tenantClaim, throttle: settings.throttle, writeThrottle: settings.writeThrottle };
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: settings.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    applyStageSettings(this.api, { accessLogs, ...stageSettings });
    const serviceAccessLogs = new LogGroup(this, 'ServiceApiAccessLogs', { retention: settings.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    applyStageSettings(this.serviceApi.api, { accessLogs: serviceAccessLogs, ...stageSettings });
    this.monitoring.watchApi(this.api);
    this.monitoring.watchApi(this.serviceApi.api, 'service-api');
    this.monitoring.watchTable(this.table);
    this.changeEvents = new ImageChangeEvents(this, 'ChangeEvents', {
      table: this.table,
      publisher: makeFunction(PUBLISHER_FUNCTION, { timeout: Duration.seconds(30) }),
      eventSource: props.eventSource,
      eventBusName: props.eventBusName,
    });
    this.monitoring.watchChangeEvents(this.changeEvents);
    acknowledgeNagFindings(this);

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.apiEndpoint,
      description: 'Base URL; the API is under /v1.1/{tenant_id} and /v2, the image service (Glance v2) under /image',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  /** Lets `grantee` (a role, user or group of this CDK app) invoke the service API's read routes. */
  grantRead(grantee: IGrantable) {
    this.serviceApi.grantRead(grantee);
  }

  /** Lets `grantee` invoke every route of the service API. */
  grantWrite(grantee: IGrantable) {
    this.serviceApi.grantWrite(grantee);
  }

  /** DescribeImages has no resource-level permissions: the resource is always `*`. */
  private grantDescribeImages(fn: NodejsFunction) {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ec2:DescribeImages'], resources: ['*'] }));
    acknowledgeDescribeImagesWildcard(fn);
  }

  /**
   * EC2 sends "EC2 AMI State Change" events for the account's AMIs to the default bus; the sync
   * function finds every tenant's record of the AMI (an image query of GSI1) and updates or removes it.
   * Nothing is lost silently: an event EventBridge cannot hand to Lambda, and an event the function
   * still fails on after Lambda's retries, each land in a dead-letter queue that raises an alarm.
   */
  private addAmiStateSync(fn: NodejsFunction) {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], resources: [this.table.tableArn] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${this.table.tableArn}/index/${tableDefinition.tagIndex.name}`] }));
    const undelivered = deadLetterQueue(this, 'AmiStateChangeDeadLetters');
    const failed = deadLetterQueue(this, 'AmiSyncFailedEvents');
    // Lambda retries a failed event twice (its most), then records it with the error in `failed`.
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(failed) });
    acknowledgeNoDeadLetterQueue(fn, 'destination');
    new Rule(this, 'AmiStateChanges', {
      description: "EC2 AMI state changes, to keep the image registry's records of AMIs fresh",
      eventPattern: { source: ['aws.ec2'], detailType: ['EC2 AMI State Change'] },
      // A state change is still worth applying a day late (a later one wins anyway): EventBridge keeps trying that long.
      targets: [new LambdaFunction(fn, { deadLetterQueue: undelivered, retryAttempts: 185, maxEventAge: Duration.hours(24) })],
    });
    this.monitoring.watchAmiSync(fn);
    this.monitoring.watchDeadLetters(undelivered, 'ami-state-change-delivery');
    this.monitoring.watchDeadLetters(failed, 'ami-sync-failed-events');
    // Where the redrive reads the dead letters from (docs/deploy.md, "Replaying the AMI sync's dead letters").
    new CfnOutput(this, 'AmiStateChangeDeadLettersUrl', { value: undelivered.queueUrl });
    new CfnOutput(this, 'AmiSyncFailedEventsUrl', { value: failed.queueUrl });
  }

  /** Exactly the operation's DynamoDB actions, on the table (and the tag index where it queries it). */
  private grantTableAccess(fn: NodejsFunction, operation: Operation) {
    const actions = operation.tableActions.map((action) => `dynamodb:${action}`);
    // The image service's functions read the catalog only: no grant on the table at all.
    if (actions.length > 0) fn.addToRolePolicy(new PolicyStatement({ actions, resources: [this.table.tableArn] }));
    if (operation.queriesTagIndex) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${this.table.tableArn}/index/${tableDefinition.tagIndex.name}`] }));
    }
  }
}

const pascalCase = (name: string) => name.replace(/(^|-)(\w)/g, (_match, _dash, letter: string) => letter.toUpperCase());

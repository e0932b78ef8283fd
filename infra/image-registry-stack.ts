import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { operations, type Operation } from '../lib/routes.ts';
import { tableDefinition } from '../lib/store/table-definition.ts';
import { DEFAULT_ACCESS_SCOPES, type AccessScopes } from './access-scopes.ts';
import { acknowledgeNagFindings } from './nag-acknowledgements.ts';

export interface ImageRegistryStackProps extends StackProps {
  /** The JWT issuer the HTTP API trusts (an OIDC provider: Cognito, Keycloak, Auth0...). */
  readonly jwtIssuer: string;
  /** Accepted `aud` (or `client_id`) values. */
  readonly jwtAudience: readonly string[];
  /** The claim that names the caller's tenant. */
  readonly tenantClaim: string;
  /**
   * The header the JWT arrives in (raw or `Bearer`-prefixed). Default X-Auth-Token, where
   * python-saharaclient sends it; API Gateway's JWT authorizer reads exactly one header.
   */
  readonly tokenHeader?: string;
  /** The scope a token needs for reads and the one it needs for changes. Default DEFAULT_ACCESS_SCOPES. */
  readonly accessScopes?: AccessScopes;
}

const projectRoot = fileURLToPath(new URL('../', import.meta.url));
const entryOf = (name: string) => fileURLToPath(new URL(`../functions/${name}.ts`, import.meta.url));

/** The image registry: one table with its tag index, one function per operation, one HTTP API. */
export class ImageRegistryStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: ImageRegistryStackProps) {
    super(scope, id, props);
    const { partitionKey, sortKey, tagIndex } = tableDefinition;

    this.table = new Table(this, 'Images', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The registry's records outlive the stack: deleting the stack must not delete them.
      removalPolicy: RemovalPolicy.RETAIN,
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
      REGISTRY_CATALOG: 'open',
    };

    const makeFunction = (name: string) =>
      new NodejsFunction(this, pascalCase(name), {
        entry: entryOf(name),
        handler: 'handler',
        runtime: Runtime.NODEJS_24_X,
        architecture: Architecture.ARM_64,
        memorySize: 512,
        timeout: Duration.seconds(10),
        environment,
        projectRoot,
        depsLockFilePath: fileURLToPath(new URL('../package-lock.json', import.meta.url)),
        logGroup: new LogGroup(this, `${pascalCase(name)}Logs`, {
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        bundling: {
          format: OutputFormat.ESM,
          target: 'node24',
          platform: 'node',
          mainFields: ['module', 'main'],
          minify: true,
          logLevel: LogLevel.WARNING,
          // The SDK is bundled, not taken from the runtime: a tree-shaken bundle loads faster.
          externalModules: [],
          forceDockerBundling: false,
          banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        },
      });

    const authorizer = new HttpJwtAuthorizer('Jwt', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
      identitySource: [`$request.header.${props.tokenHeader ?? 'X-Auth-Token'}`],
    });
    const notFound = makeFunction('route-not-found');
    this.api = new HttpApi(this, 'Api', {
      description: 'Sahara-compatible image registry',
      defaultAuthorizer: authorizer,
      // Unknown paths and wrong methods get the normal error body, not API Gateway's own.
      defaultIntegration: new HttpLambdaIntegration('RouteNotFound', notFound),
    });

    for (const operation of operations as readonly Operation[]) {
      const fn = makeFunction(operation.name);
      this.grantTableAccess(fn, operation);
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

    this.logApiAccess();
    acknowledgeNagFindings(this);

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint, description: 'Base URL; the v1.1 API is under /v1.1/{tenant_id}' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  /** One JSON line per request on the default stage: who called what, the answer, and why a request failed before a function ran. */
  private logApiAccess() {
    const logs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const stage = this.api.defaultStage!.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: logs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        time: '$context.requestTime',
        method: '$context.httpMethod',
        path: '$context.path',
        routeKey: '$context.routeKey',
        status: '$context.status',
        responseLength: '$context.responseLength',
        latency: '$context.responseLatency',
        authorizerError: '$context.authorizer.error',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
  }

  /** Exactly the operation's DynamoDB actions, on the table (and the tag index where it queries it). */
  private grantTableAccess(fn: NodejsFunction, operation: Operation) {
    const actions = operation.tableActions.map((action) => `dynamodb:${action}`);
    fn.addToRolePolicy(new PolicyStatement({ actions, resources: [this.table.tableArn] }));
    if (operation.queriesTagIndex) {
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${this.table.tableArn}/index/${tableDefinition.tagIndex.name}`] }),
      );
    }
  }
}

const pascalCase = (name: string) => name.replace(/(^|-)(\w)/g, (_match, _dash, letter: string) => letter.toUpperCase());

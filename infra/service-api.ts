import { CfnOutput, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type IGrantable, type IManagedPolicy, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type Operation, operations, type Route } from '../lib/routes.ts';
import { acknowledgeServiceApiRoutes } from './nag-acknowledgements.ts';

export interface ServiceApiProps {
  /** Each operation's function, by operation name: the same functions the users' API routes to. */
  readonly functions: ReadonlyMap<string, IFunction>;
  /** The `$default` route's function: unknown paths and wrong methods in the normal error body. */
  readonly notFound: IFunction;
}

/**
 * Attaches the managed policy to the grantee's role (or user, or group), so the grantee's stack holds
 * no wildcard statement of its own for cdk-nag to flag: only the policy's ARN.
 */
const attachTo = (grantee: IGrantable, policy: IManagedPolicy) => {
  const principal = grantee.grantPrincipal as Partial<{ addManagedPolicy(policy: IManagedPolicy): void }>;
  if (typeof principal.addManagedPolicy !== 'function') {
    throw new Error(`The image registry's service API policies attach to IAM roles, users and groups; ${grantee.grantPrincipal} is none`);
  }
  principal.addManagedPolicy(policy);
};

const pascalCase = (name: string) => name.replace(/(^|-)(\w)/g, (_match, _dash, letter: string) => letter.toUpperCase());

/**
 * The API for other AWS workloads (a Lambda function, an ECS task, a state machine): every route of
 * the route table again, on a second HTTP API whose every route requires AWS_IAM (SigV4)
 * authorization, integrated with the same functions. The functions map the caller's role to a
 * tenant and an access (serviceCallers); IAM decides who may invoke at all, and two managed
 * policies say it for callers: the read routes, or every route.
 */
export class ServiceApi extends Construct {
  readonly api: HttpApi;
  /** execute-api:Invoke on the read routes (list, show, get tags). */
  readonly readPolicy: ManagedPolicy;
  /** execute-api:Invoke on every route. */
  readonly writePolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, { functions, notFound }: ServiceApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Sahara-compatible image registry, for services that sign their requests with IAM (SigV4)',
      defaultAuthorizer: new HttpIamAuthorizer(),
      defaultIntegration: new HttpLambdaIntegration('RouteNotFound', notFound),
    });
    for (const operation of operations as readonly Operation[]) {
      const fn = functions.get(operation.name);
      if (!fn) throw new Error(`ServiceApi: no function for the operation ${operation.name}`);
      const integration = new HttpLambdaIntegration(`${pascalCase(operation.name)}Integration`, fn);
      for (const route of operation.routes) this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
    }

    const routeArns = (access: 'read' | 'write') =>
      (operations as readonly Operation[])
        .filter((operation) => access === 'write' || operation.access === 'read')
        .flatMap((operation) => operation.routes.map((route) => this.routeArn(route)));
    const policy = (id: string, access: 'read' | 'write', description: string) => {
      const resources = routeArns(access);
      const managed = new ManagedPolicy(this, id, { description, statements: [new PolicyStatement({ actions: ['execute-api:Invoke'], resources })] });
      acknowledgeServiceApiRoutes(managed, resources);
      return managed;
    };
    this.readPolicy = policy('ReadPolicy', 'read', "Call the image registry's service API: list and show images and their tags");
    this.writePolicy = policy('WritePolicy', 'write', "Call the image registry's service API: every route, reads and changes");

    const stack = Stack.of(this);
    new CfnOutput(stack, 'ServiceApiUrl', { value: this.api.apiEndpoint, description: 'Base URL for IAM-signed callers (SigV4, service execute-api)' });
    new CfnOutput(stack, 'ServiceReadPolicyArn', { value: this.readPolicy.managedPolicyArn, description: 'Managed policy: invoke the read routes' });
    new CfnOutput(stack, 'ServiceWritePolicyArn', { value: this.writePolicy.managedPolicyArn, description: 'Managed policy: invoke every route' });
  }

  /** Lets `grantee` invoke the read routes. It still needs a serviceCallers entry to act for a tenant. */
  grantRead(grantee: IGrantable) {
    attachTo(grantee, this.readPolicy);
  }

  /** Lets `grantee` invoke every route. It still needs a serviceCallers entry with access write to change anything. */
  grantWrite(grantee: IGrantable) {
    attachTo(grantee, this.writePolicy);
  }

  /** The route's execute-api ARN, every path parameter a wildcard: `.../*\/GET/v1.1/*\/images/*`. */
  private routeArn(route: Route) {
    return this.api.arnForExecuteApi(route.method, route.path.replace(/\{[^}]+\}/g, '*'), '*');
  }
}

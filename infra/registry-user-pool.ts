import { Aws, CfnOutput, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccountRecovery, FeaturePlan, Mfa, ResourceServerScope, UserPool } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { AccessScopes } from '../lib/access-scopes.ts';
import { acknowledgeUserPoolFeaturePlan } from './nag-acknowledgements.ts';

export interface RegistryUserPoolProps {
  /** The read and write scopes, `<resource server>/<name>` both, on one resource server. */
  readonly scopes: AccessScopes;
  /** The hosted domain's prefix (`<prefix>.auth.<region>.amazoncognito.com`); default `<stack name>-<account>`. */
  readonly domainPrefix?: string;
}

/** `image-registry/read` and `image-registry/write`: one resource server, two scope names. */
const resourceServerOf = ({ read, write }: AccessScopes) => {
  const [server, readName, ...readRest] = read.split('/');
  const [writeServer, writeName, ...writeRest] = write.split('/');
  if (!server || !readName || readRest.length > 0 || server !== writeServer || !writeName || writeRest.length > 0) {
    throw new Error(`userPool=create needs readScope and writeScope on one resource server, '<server>/<name>' both; not '${read}' and '${write}'`);
  }
  return { server, readName, writeName };
};

/**
 * An identity provider in the box, for machine clients: a Cognito user pool with a resource server
 * offering the read and write scopes and a hosted domain serving the token endpoint. Clients are
 * made afterwards, one per calling service, with the client-credentials grant (docs/callers.md).
 * No one signs up; the pool holds no users unless an operator adds some, and then with MFA.
 */
export class RegistryUserPool extends Construct {
  readonly userPool: UserPool;
  /** The issuer of the pool's tokens, for the JWT authorizer. */
  readonly issuer: string;
  /** The OAuth 2.0 token endpoint (client-credentials grant). */
  readonly tokenUrl: string;

  constructor(scope: Construct, id: string, { scopes, domainPrefix }: RegistryUserPoolProps) {
    super(scope, id);
    const { server, readName, writeName } = resourceServerOf(scopes);
    const stack = Stack.of(this);
    this.userPool = new UserPool(this, 'Pool', {
      selfSignUpEnabled: false,
      featurePlan: FeaturePlan.ESSENTIALS,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 14, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
      accountRecovery: AccountRecovery.NONE,
      deletionProtection: true,
      // Its clients' ids are in the callers' settings and clientTenants: deleting the stack keeps it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeUserPoolFeaturePlan(this.userPool);
    this.userPool.addResourceServer('ResourceServer', {
      identifier: server,
      userPoolResourceServerName: 'Image registry',
      scopes: [
        new ResourceServerScope({ scopeName: readName, scopeDescription: 'List and show images and their tags' }),
        new ResourceServerScope({ scopeName: writeName, scopeDescription: 'Register and unregister images, change their tags' }),
      ],
    });
    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: domainPrefix ?? Fn.join('-', [stack.stackName.toLowerCase().replace(/[^a-z0-9-]/g, ''), Aws.ACCOUNT_ID]) },
    });
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
    this.tokenUrl = `${domain.baseUrl()}/oauth2/token`;

    new CfnOutput(stack, 'TokenUrl', { value: this.tokenUrl, description: 'OAuth 2.0 token endpoint for machine clients (client-credentials grant)' });
    new CfnOutput(stack, 'UserPoolId', { value: this.userPool.userPoolId, description: 'The Cognito user pool: add one app client per calling service' });
  }
}

/** The CDK app: `npx cdk synth`, `npx cdk deploy`. Settings come from context (cdk.json or -c). */
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { DEFAULT_ACCESS_SCOPES } from '../lib/access-scopes.ts';
import { parseAmiOwners } from '../lib/catalog/ami-owners.ts';
import { amiSweepScheduleFromContext } from './ami-sweep.ts';
import { callerSettingsFromContext } from './caller-settings.ts';
import { catalogChoiceFromContext } from './catalog-choice.ts';
import { ImageRegistryStack } from './image-registry-stack.ts';
import { operationsSettingsFromContext } from './operations-settings.ts';

const app = new App();
// cdk-nag's AwsSolutions and Serverless rules: an unacknowledged finding fails the synth (infra/nag-acknowledgements.ts).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
const context = (key: string) => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' ? value.trim() : undefined;
};

const PLACEHOLDER_ISSUER = 'https://issuer.invalid/';
// serviceCallers, clientTenants, userPool: checked here, so a malformed entry fails the synth.
const callers = callerSettingsFromContext((key) => app.node.tryGetContext(key));
const jwtIssuer = context('jwtIssuer') || (callers.userPool ? undefined : PLACEHOLDER_ISSUER);
const stack = new ImageRegistryStack(app, context('stackName') || 'ImageRegistry', {
  ...callers,
  jwtIssuer,
  jwtAudience: (context('jwtAudience') || 'image-registry')
    .split(',')
    .map((audience) => audience.trim())
    .filter(Boolean),
  tenantClaim: context('tenantClaim') || 'tenant_id',
  tokenHeader: context('tokenHeader') || 'X-Auth-Token',
  catalog: catalogChoiceFromContext(context('catalog'), context('catalogFile')),
  accessScopes: {
    read: context('readScope') || DEFAULT_ACCESS_SCOPES.read,
    write: context('writeScope') || DEFAULT_ACCESS_SCOPES.write,
  },
  amiOwners: parseAmiOwners(context('amiOwners')),
  amiSweepSchedule: amiSweepScheduleFromContext(context('amiSweepSchedule')),
  operationsSettings: operationsSettingsFromContext((key) => app.node.tryGetContext(key)),
  eventSource: context('eventSource') || undefined,
  eventBusName: context('eventBusName') || undefined,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
if (jwtIssuer === PLACEHOLDER_ISSUER) {
  Annotations.of(stack).addWarningV2(
    'image-registry:jwt-issuer',
    'No jwtIssuer in context: the API would refuse every token. Deploy with -c jwtIssuer=https://your-issuer -c jwtAudience=your-audience.',
  );
}

import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CatalogChoice } from '../../infra/catalog-choice.ts';
import { ImageRegistryStack } from '../../infra/image-registry-stack.ts';
import { operationsSettingsFromContext } from '../../infra/operations-settings.ts';
import { cdkJsonContext } from './cdk-context.ts';

export type Resource = { Properties: any; DeletionPolicy?: string; DependsOn?: string[] };

/**
 * The stack as `cdk synth -c key=value ...` builds it (cdk.json's context, then `context`, read by
 * the app's own settings reader), without bundling: these tests look at the template, not the code.
 */
export const operationsStack = (context: Record<string, unknown> = {}, { catalog }: { catalog?: CatalogChoice } = {}) => {
  const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new ImageRegistryStack(app, 'Registry', {
    jwtIssuer: 'https://issuer.example.com/',
    jwtAudience: ['registry'],
    tenantClaim: 'tenant_id',
    ...(catalog ? { catalog } : {}),
    operationsSettings: operationsSettingsFromContext((key) => app.node.tryGetContext(key)),
  });
  const template = Template.fromStack(stack);
  const resources = (type: string) => template.findResources(type) as Record<string, Resource>;
  return { app, stack, template, resources };
};

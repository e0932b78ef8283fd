import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import type { CatalogChoice } from '../../infra/catalog-choice.ts';
import { ImageRegistryStack, type ImageRegistryStackProps } from '../../infra/image-registry-stack.ts';
import { cdkJsonContext } from './cdk-context.ts';

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_m, _d, letter: string) => letter.toUpperCase());

export type Resources = Record<string, { Properties: any; DeletionPolicy?: string }>;

export const synthesize = (catalog?: CatalogChoice, { bundle = true, props = {} }: { bundle?: boolean; props?: Partial<ImageRegistryStackProps> } = {}) => {
  // Skipping the bundling (an empty list of stacks to bundle) keeps the template and saves the time.
  const app = new App({ context: { ...cdkJsonContext, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) } });
  const stack = new ImageRegistryStack(app, 'Test', {
    jwtIssuer: 'https://issuer.example.com/',
    jwtAudience: ['registry-clients'],
    tenantClaim: 'project_id',
    ...(catalog ? { catalog } : {}),
    ...props,
  });
  return { app, template: Template.fromStack(stack) };
};

export const functionsOf = (template: Template) => template.findResources('AWS::Lambda::Function') as Resources;

/** The logical id and resource of the one function built from functions/<name>.ts. */
export const findFunction = (template: Template, name: string) => {
  const entries = Object.entries(functionsOf(template)).filter(([id]) => id.startsWith(pascal(name)));
  expect(entries).toHaveLength(1);
  return entries[0]!;
};

/** Every IAM action granted to the function's role. */
export const actionsOf = (template: Template, functionId: string): string[] => {
  const roleRef = functionsOf(template)[functionId]!.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy') as Resources)
    .map((policy) => policy.Properties)
    .filter((policy) => policy.Roles.some((role: { Ref: string }) => role.Ref === roleRef))
    .flatMap((policy) => policy.PolicyDocument.Statement)
    .flatMap((statement: { Action: string | string[] }) => [statement.Action].flat());
};

/** The function's bundle, as staged for upload. */
export const bundleOf = (app: App, template: Template, name: string) => {
  const [, fn] = findFunction(template, name);
  const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
  return join(app.outdir, `asset.${hash}`);
};

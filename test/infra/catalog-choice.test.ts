import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogChoiceFromContext } from '../../infra/catalog-choice.ts';
import { staticCatalogBundling } from '../../infra/image-registry-stack.ts';
import { operations } from '../../lib/routes.ts';
import { functionsOf, synthesize } from '../support/stack-template.ts';

describe('catalog choice from CDK context', () => {
  it('is ec2 when the context names none', () => {
    expect(catalogChoiceFromContext(undefined, undefined)).toEqual({ kind: 'ec2' });
    expect(catalogChoiceFromContext('', undefined)).toEqual({ kind: 'ec2' });
  });

  it('takes open, ec2, and static with its file resolved from the working directory', () => {
    expect(catalogChoiceFromContext('open', undefined)).toEqual({ kind: 'open' });
    expect(catalogChoiceFromContext('ec2', undefined)).toEqual({ kind: 'ec2' });
    expect(catalogChoiceFromContext('static', 'catalogs/prod.json')).toEqual({ kind: 'static', file: resolve('catalogs/prod.json') });
  });

  it('refuses an unknown catalog, static without a file, and a file without static', () => {
    expect(() => catalogChoiceFromContext('glance', undefined)).toThrow("catalog must be ec2, open or static, not 'glance'");
    expect(() => catalogChoiceFromContext('static', undefined)).toThrow('catalog=static needs the catalog file');
    expect(() => catalogChoiceFromContext('open', 'catalog.json')).toThrow('catalogFile is only read with -c catalog=static');
  });
});

describe('ImageRegistryStack on the open catalog', () => {
  let template: Template;

  beforeAll(() => {
    ({ template } = synthesize({ kind: 'open' }, { bundle: false }));
  }, 120_000);

  it('tells every function REGISTRY_CATALOG=open and grants no EC2 action', () => {
    for (const fn of Object.values(functionsOf(template))) {
      expect(fn.Properties.Environment.Variables.REGISTRY_CATALOG).toBe('open');
    }
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('ec2:');
  });

  it('has neither the AMI state rule nor the sync function, nor the sweep and its schedule', () => {
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    template.resourceCountIs('AWS::Lambda::Function', operations.length + 2); // and route-not-found, publish-image-changes
  });
});

describe('ImageRegistryStack on a static catalog', () => {
  const catalogFile = fileURLToPath(new URL('../support/test-catalog.json', import.meta.url));
  let template: Template;

  beforeAll(() => {
    // Not bundled: the copy is checked below by running the hook's command as the bundling would.
    ({ template } = synthesize({ kind: 'static', file: catalogFile }, { bundle: false }));
  }, 120_000);

  it('points every function at the catalog file in its bundle and grants no EC2 action', () => {
    for (const fn of Object.values(functionsOf(template))) {
      expect(fn.Properties.Environment.Variables.REGISTRY_CATALOG).toBe('/var/task/static-catalog.json');
    }
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('ec2:');
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    template.resourceCountIs('AWS::Lambda::Function', operations.length + 2); // and route-not-found, publish-image-changes
  });

  it('copies the catalog file into the bundle after bundling, whatever its path', () => {
    const dir = mkdtempSync(join(tmpdir(), "registry catalog's "));
    try {
      const file = join(dir, "my 'images'.json");
      writeFileSync(file, readFileSync(catalogFile));
      const outputDir = join(dir, 'asset out');
      execFileSync('mkdir', [outputDir]);
      for (const command of staticCatalogBundling(file).afterBundling('/unused', outputDir)) execFileSync('bash', ['-c', command]);
      expect(readFileSync(join(outputDir, 'static-catalog.json'), 'utf8')).toBe(readFileSync(catalogFile, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to synthesize with a catalog file that is not a catalog', () => {
    const broken = join(tmpdir(), `broken-catalog-${process.pid}.json`);
    writeFileSync(broken, JSON.stringify({ images: [{ id: 'a/b', name: 'x' }] }));
    try {
      expect(() => synthesize({ kind: 'static', file: broken }, { bundle: false })).toThrow(/is not a catalog file/);
    } finally {
      rmSync(broken, { force: true });
    }
    expect(() => synthesize({ kind: 'static', file: join(tmpdir(), 'no-such-catalog.json') }, { bundle: false })).toThrow(/cannot read/);
  });
});

import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('tests run on the Node.js major the Lambda functions run on (nodejs24.x)', () => {
    expect(Runtime.NODEJS_24_X.name).toBe(`nodejs${process.versions.node.split('.')[0]}.x`);
  });
});

import { afterAll, beforeEach, inject } from 'vitest';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';

/**
 * Puts the fault proxy between this test file's handlers and DynamoDB Local. The handlers read
 * DYNAMODB_ENDPOINT when their client is first made, on their first call, so this runs at the top
 * of the file; code that reads or seeds the table through test/support/fixtures.ts goes on reaching
 * DynamoDB Local directly. Every test starts with no fault and an empty record of operations.
 */
export const useFaultProxy = async (): Promise<FaultProxy> => {
  const proxy = await startFaultProxy(inject('dynamodbEndpoint'));
  process.env.DYNAMODB_ENDPOINT = proxy.endpoint;
  afterAll(() => proxy.close());
  beforeEach(() => {
    proxy.clear();
    proxy.reset();
  });
  return proxy;
};

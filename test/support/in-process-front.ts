import { once } from 'node:events';
import { afterAll, beforeAll } from 'vitest';
import { createLocalFront, type LocalFrontOptions } from '../../infra/local/local-front.ts';

/**
 * The local front in the test's own process, on a free loopback port for the enclosing suite: the
 * real HTTP path without starting DynamoDB Local again (the handlers use the run's one).
 */
export const useInProcessFront = (options: LocalFrontOptions) => {
  const server = createLocalFront(options);
  const front = { port: 0 };
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    front.port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  return front;
};

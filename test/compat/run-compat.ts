/**
 * `npm run test:compat`: starts the local front (in memory, sample catalog, fixed tokens) as
 * `npm start` would, runs the python-saharaclient suite against it with the system Python that
 * has Debian's python3-saharaclient, and stops the front whatever happens.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startLocalFront } from '../support/local-front-process.ts';

// Debian's package installs for the system interpreter, which may not be the first python3 on PATH.
const python = process.env.COMPAT_PYTHON || '/usr/bin/python3';
const suite = fileURLToPath(new URL('./saharaclient-images.py', import.meta.url));
const tokens = 'compat-alice=alice,compat-bob=bob,compat-carol=carol';

const front = await startLocalFront({ REGISTRY_DATA_DIR: 'memory', REGISTRY_DEV_TOKENS: tokens });
let code: number | null = 1;
try {
  const child = spawn(python, [suite, ...process.argv.slice(2)], {
    env: { ...process.env, REGISTRY_ORIGIN: front.origin, REGISTRY_TOKENS: tokens },
    stdio: 'inherit',
  });
  const [exitCode, error] = await Promise.race([
    once(child, 'exit') as Promise<[number | null]>,
    once(child, 'error').then(([spawnError]) => [1, spawnError as Error] as const),
  ]);
  if (error) console.error(`test:compat: cannot run ${python}: ${error.message}`);
  code = exitCode;
} finally {
  await front.stop();
}
process.exit(code ?? 1);

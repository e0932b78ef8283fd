/**
 * `npm run test:compat`: starts the local front (in memory, sample catalog, fixed tokens) as
 * `npm start` would, runs the python-saharaclient suite and then the openstack CLI suite against it
 * with the system Python that has Debian's python3-saharaclient and python3-openstackclient, and
 * stops the front whatever happens. Extra arguments go to unittest (`-k V2`); COMPAT_SUITE names one suite.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startLocalFront } from '../support/local-front-process.ts';

// Debian's packages install for the system interpreter, which may not be the first python3 on PATH.
const python = process.env.COMPAT_PYTHON || '/usr/bin/python3';
const suites = {
  saharaclient: fileURLToPath(new URL('./saharaclient-images.py', import.meta.url)),
  'openstack-cli': fileURLToPath(new URL('./openstack-cli.py', import.meta.url)),
};
// One tenant per suite and API version, so no suite sees another's images.
const tokens = 'compat-alice=alice,compat-bob=bob,compat-carol=carol,compat-dave=dave,compat-erin=erin';

const only = process.env.COMPAT_SUITE || undefined;
if (only !== undefined && !(only in suites)) {
  console.error(`test:compat: no suite '${only}'; the suites are ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}

const runSuite = async (file: string, env: NodeJS.ProcessEnv): Promise<number> => {
  const child = spawn(python, [file, ...process.argv.slice(2)], { env, stdio: 'inherit' });
  const [exitCode, error] = await Promise.race([
    once(child, 'exit') as Promise<[number | null]>,
    once(child, 'error').then(([spawnError]) => [1, spawnError as Error] as const),
  ]);
  if (error) console.error(`test:compat: cannot run ${python}: ${error.message}`);
  return exitCode ?? 1;
};

const front = await startLocalFront({ REGISTRY_DATA_DIR: 'memory', REGISTRY_DEV_TOKENS: tokens });
const failed: string[] = [];
try {
  const env = { ...process.env, REGISTRY_ORIGIN: front.origin, REGISTRY_TOKENS: tokens };
  for (const [name, file] of Object.entries(suites)) {
    if (only !== undefined && name !== only) continue;
    console.log(`\ntest:compat: ${name}`);
    if ((await runSuite(file, env)) !== 0) failed.push(name);
  }
} finally {
  await front.stop();
}
if (failed.length > 0) console.error(`test:compat: failed: ${failed.join(', ')}`);
process.exit(failed.length > 0 ? 1 : 0);

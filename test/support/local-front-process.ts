import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const START_SCRIPT = fileURLToPath(new URL('../../infra/local/start.ts', import.meta.url));

/** A user's environment: none of the settings the test run itself uses. */
const userEnv = (env: Record<string, string>) => {
  const {
    REGISTRY_CATALOG: _catalog,
    TABLE_NAME: _table,
    DYNAMODB_ENDPOINT: _endpoint,
    REGISTRY_SERVICE_CALLERS: _callers,
    REGISTRY_CLIENT_TENANTS: _clients,
    ...rest
  } = process.env;
  return { ...rest, PORT: '0', LOG_LEVEL: 'silent', ...env };
};

export interface RunningFront {
  readonly process: ChildProcess;
  readonly origin: string;
  output(): string;
  /** Sends the signal and resolves with the exit code once the process (and its DynamoDB Local) is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `npm start`'s script as a user would, on a free port, and waits for its ready banner. */
export const startLocalFront = async (env: Record<string, string>, timeoutMs = 90_000): Promise<RunningFront> => {
  const child = spawn(process.execPath, [START_SCRIPT], {
    env: userEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const deadline = Date.now() + timeoutMs;
  while (!/Ctrl-C stops it/.test(output)) {
    if (child.exitCode !== null) throw new Error(`local front exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`local front not ready after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const origin = /API:\s+(http:\/\/[^/\s]+)/.exec(output)![1]!;
  return {
    process: child,
    origin,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
};

/** Runs the start script to its end, for starts that are meant to fail. */
export const runStartScript = async (env: Record<string, string>) => {
  const child = spawn(process.execPath, [START_SCRIPT], { env: userEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, output };
};

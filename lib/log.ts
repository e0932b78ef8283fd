import { currentInvocation } from './invocation.ts';
import { sourceMappedStack } from './source-mapped-stack.ts';

/**
 * One JSON line per event, which CloudWatch Logs Insights can query. Inside an invocation every
 * line carries its operation, Lambda's and API Gateway's request ids, the cold-start flag, the
 * caller and the tenant (lib/invocation.ts). LOG_LEVEL=silent mutes it (the test suite does).
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const threshold = ORDER[(process.env.LOG_LEVEL as Level | 'silent' | undefined) ?? 'info'] ?? ORDER.info;

/** What an AWS SDK or Node error says beyond its message: its code, and the service's status and request id. */
const awsDetails = (error: Error) => {
  const { code, $metadata } = error as { code?: unknown; $metadata?: unknown };
  return { ...(code === undefined ? {} : { code }), ...($metadata === undefined ? {} : { $metadata }) };
};

const invocationFields = () => {
  const invocation = currentInvocation();
  if (!invocation) return {};
  const { operation, lambdaRequestId, apiRequestId, coldStart, traceId, caller, tenant } = invocation;
  return { operation, lambdaRequestId, apiRequestId, coldStart, traceId, caller, tenant };
};

const write = (level: Level, message: string, fields: Record<string, unknown> = {}) => {
  if (ORDER[level] < threshold) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...invocationFields(), ...fields }, (_key, value: unknown) =>
    value instanceof Error
      ? { name: value.name, message: value.message, ...awsDetails(value), stack: value.stack && sourceMappedStack(value.stack), cause: value.cause }
      : value,
  );
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
};

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};

import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PUBLISHER_FUNCTION } from '../lib/events/change-events.ts';
import { DEFAULT_METRICS_NAMESPACE } from '../lib/metric-names.ts';
import { operations } from '../lib/routes.ts';

/**
 * What an operator sets about running the stack: metrics, alarms, log retention, throttling and
 * concurrency. Read from context (cdk.json or `-c key=value`, docs/deploy.md "Context keys"),
 * checked at synth: a bad value fails the synth with a message naming the key.
 */
export interface AlarmThresholds {
  /** API 5xx answers, percent of requests, in 3 of 5 minutes. */
  readonly api5xxPercent: number;
  /** API p99 latency, ms, in 3 of 5 minutes. */
  readonly apiLatencyP99Ms: number;
  /** Errors (crashes, timeouts) of one function in 5 minutes. */
  readonly lambdaErrors: number;
  /** Throttled invocations of one function in 5 minutes. */
  readonly lambdaThrottles: number;
  /** Requests DynamoDB throttled in 5 minutes (the SDK may have retried them successfully). */
  readonly dynamoDbThrottledRequests: number;
  /** DynamoDB 5xx answers in 5 minutes. */
  readonly dynamoDbSystemErrors: number;
  /** How far behind the table the change events may run (the publisher's iterator age), seconds, in 3 of 5 minutes. */
  readonly changeEventsDelaySeconds: number;
}

export interface Throttle {
  /** Steady requests per second. */
  readonly rateLimit: number;
  /** Requests let through at once above the rate. */
  readonly burstLimit: number;
}

export interface OperationsSettings {
  readonly metricsNamespace: string;
  /** Subscribed to the alarm topic; the address confirms the subscription once. */
  readonly alarmEmail?: string | undefined;
  readonly alarms: AlarmThresholds;
  /** How long every log group keeps its lines; log groups are kept when the stack is deleted. */
  readonly logRetention: RetentionDays;
  /** Every route of the stage; write routes get `writeThrottle`. */
  readonly throttle: Throttle;
  readonly writeThrottle: Throttle;
  /** Reserved concurrency by function name (`*`: every function without its own); none by default. */
  readonly reservedConcurrency: Readonly<Record<string, number>>;
}

export const DEFAULT_OPERATIONS_SETTINGS: OperationsSettings = {
  metricsNamespace: DEFAULT_METRICS_NAMESPACE,
  alarms: {
    api5xxPercent: 1,
    apiLatencyP99Ms: 2000,
    lambdaErrors: 1,
    lambdaThrottles: 1,
    dynamoDbThrottledRequests: 10,
    dynamoDbSystemErrors: 1,
    changeEventsDelaySeconds: 600,
  },
  logRetention: RetentionDays.THREE_MONTHS,
  throttle: { rateLimit: 200, burstLimit: 400 },
  writeThrottle: { rateLimit: 50, burstLimit: 100 },
  reservedConcurrency: {},
};

/** The retention periods CloudWatch Logs accepts, in days. */
const RETENTION_DAYS = new Set(Object.values(RetentionDays).filter((days): days is number => typeof days === 'number' && days !== RetentionDays.INFINITE));

type Context = (key: string) => unknown;

const fail = (key: string, problem: string): never => {
  throw new Error(`Context '${key}': ${problem}`);
};

/** A number from cdk.json (a number) or from -c (a string). */
const numberOf = (context: Context, key: string, fallback: number, { integer = false, min = 0 } = {}): number => {
  const raw = context(key);
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    fail(key, `'${String(raw)}' is not ${integer ? 'an integer' : 'a number'} of at least ${min}`);
  }
  return value;
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NAMESPACE = /^[A-Za-z0-9 ._/#:-]{1,255}$/;

/** The stack's functions, by the name of their file in functions/. */
const FUNCTION_NAMES = new Set<string>([...operations.map(({ name }) => name), 'route-not-found', 'sync-ami-state', PUBLISHER_FUNCTION]);

/** `50` (every function) or `{"list-images": 50, "*": 10}` (from cdk.json, or as JSON with -c). */
const reservedConcurrencyOf = (context: Context): Record<string, number> => {
  let raw = context('reservedConcurrency');
  if (raw === undefined || raw === '') return {};
  if (typeof raw === 'string' && raw.trim().startsWith('{')) {
    try {
      raw = JSON.parse(raw);
    } catch {
      fail('reservedConcurrency', 'is not valid JSON');
    }
  }
  const entries = typeof raw === 'object' && raw !== null ? Object.entries(raw) : [['*', raw] as const];
  for (const [name] of entries) {
    if (name !== '*' && !FUNCTION_NAMES.has(name))
      fail('reservedConcurrency', `'${name}' is not a function of the stack (${[...FUNCTION_NAMES].join(', ')}, or *)`);
  }
  return Object.fromEntries(
    entries.map(([name, value]) => [name, numberOf(() => value, `reservedConcurrency${name === '*' ? '' : `.${name}`}`, 0, { integer: true, min: 1 })]),
  );
};

export const operationsSettingsFromContext = (context: Context): OperationsSettings => {
  const defaults = DEFAULT_OPERATIONS_SETTINGS;
  const text = (key: string) => {
    const raw = context(key);
    return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
  };
  const metricsNamespace = text('metricsNamespace') ?? defaults.metricsNamespace;
  if (!NAMESPACE.test(metricsNamespace)) fail('metricsNamespace', `'${metricsNamespace}' is not a CloudWatch namespace`);
  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) fail('alarmEmail', `'${alarmEmail}' is not an e-mail address`);
  const retentionDays = numberOf(context, 'logRetentionDays', defaults.logRetention, { integer: true, min: 1 });
  if (!RETENTION_DAYS.has(retentionDays)) fail('logRetentionDays', `${retentionDays} is not one of ${[...RETENTION_DAYS].join(', ')}`);
  const throttle = (prefix: string, fallback: Throttle): Throttle => ({
    rateLimit: numberOf(context, `${prefix}RateLimit`, fallback.rateLimit, { min: 1 }),
    burstLimit: numberOf(context, `${prefix}BurstLimit`, fallback.burstLimit, { integer: true, min: 1 }),
  });
  const alarm = (key: string, fallback: number) => numberOf(context, key, fallback, { min: 0 });
  return {
    metricsNamespace,
    alarmEmail,
    logRetention: retentionDays as RetentionDays,
    alarms: {
      api5xxPercent: alarm('alarmApi5xxPercent', defaults.alarms.api5xxPercent),
      apiLatencyP99Ms: alarm('alarmApiLatencyP99Ms', defaults.alarms.apiLatencyP99Ms),
      lambdaErrors: alarm('alarmLambdaErrors', defaults.alarms.lambdaErrors),
      lambdaThrottles: alarm('alarmLambdaThrottles', defaults.alarms.lambdaThrottles),
      dynamoDbThrottledRequests: alarm('alarmDynamoDbThrottledRequests', defaults.alarms.dynamoDbThrottledRequests),
      dynamoDbSystemErrors: alarm('alarmDynamoDbSystemErrors', defaults.alarms.dynamoDbSystemErrors),
      changeEventsDelaySeconds: alarm('alarmChangeEventsDelaySeconds', defaults.alarms.changeEventsDelaySeconds),
    },
    throttle: throttle('throttle', defaults.throttle),
    writeThrottle: throttle('writeThrottle', defaults.writeThrottle),
    reservedConcurrency: reservedConcurrencyOf(context),
  };
};

/** The reserved concurrency of one function: its own entry, else `*`, else none. */
export const reservedConcurrencyFor = (settings: OperationsSettings, functionName: string): number | undefined =>
  settings.reservedConcurrency[functionName] ?? settings.reservedConcurrency['*'];

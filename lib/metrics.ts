import { currentInvocation, type Invocation } from './invocation.ts';
import { DEFAULT_METRICS_NAMESPACE, type MetricKey, metricDefinitions, metricDimensions } from './metric-names.ts';

/**
 * Metrics in CloudWatch's embedded metric format (EMF): one JSON line per invocation on stdout,
 * which CloudWatch Logs turns into metrics, with no API call and no SDK. Written when
 * METRICS_NAMESPACE is set (the stack sets it) or at LOG_LEVEL=debug (for npm start).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
const namespace = process.env.METRICS_NAMESPACE || (process.env.LOG_LEVEL === 'debug' ? DEFAULT_METRICS_NAMESPACE : undefined);

/** Adds to the current invocation's metrics; outside an invocation, or with metrics off, nothing. */
export const metrics = {
  count(key: MetricKey, value = 1) {
    const counts = namespace === undefined ? undefined : currentInvocation()?.counts;
    counts?.set(key, (counts.get(key) ?? 0) + value);
  },
  /** One observation of a distribution (a latency): CloudWatch keeps each for percentiles. */
  observe(key: MetricKey, value: number) {
    const observations = namespace === undefined ? undefined : currentInvocation()?.observations;
    observations?.set(key, [...(observations.get(key) ?? []), Math.round(value * 100) / 100]);
  },
};

type Definition = { readonly Name: string; readonly Unit: string };

/** The EMF document of an invocation: its metrics by operation, its error counts also by error name. */
const emfDocument = (invocation: Invocation, metricsNamespace: string, timestamp = Date.now()) => {
  const values: Record<string, number | number[]> = {};
  const byOperation: Definition[] = [];
  const byErrorName: Definition[] = [];
  for (const [key, value] of [...invocation.counts, ...invocation.observations]) {
    const definition = metricDefinitions[key];
    values[definition.name] = value;
    byOperation.push({ Name: definition.name, Unit: definition.unit });
    if ('byErrorName' in definition && invocation.errorName !== undefined) byErrorName.push({ Name: definition.name, Unit: definition.unit });
  }
  const directive = (dimension: string, definitions: Definition[]) => ({ Namespace: metricsNamespace, Dimensions: [[dimension]], Metrics: definitions });
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        directive(metricDimensions.operation, byOperation),
        ...(byErrorName.length > 0 ? [directive(metricDimensions.errorName, byErrorName)] : []),
      ],
    },
    [metricDimensions.operation]: invocation.operation,
    ...(byErrorName.length > 0 ? { [metricDimensions.errorName]: invocation.errorName } : {}),
    ...values,
    // Not metrics: what makes the line findable in Logs Insights next to the log lines.
    lambdaRequestId: invocation.lambdaRequestId,
    apiRequestId: invocation.apiRequestId,
    tenant: invocation.tenant,
    status: invocation.status,
    coldStart: invocation.coldStart,
  };
};

/** Writes the invocation's metric line, if it has metrics and metrics are on. */
export const writeMetrics = (invocation: Invocation) => {
  if (namespace === undefined || invocation.counts.size + invocation.observations.size === 0) return;
  process.stdout.write(`${JSON.stringify(emfDocument(invocation, namespace))}\n`);
};

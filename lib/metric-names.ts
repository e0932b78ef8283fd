/**
 * Every metric the functions write, in one table: the name CloudWatch shows, its unit, and whether
 * it is also published by error name. lib/metrics.ts writes them; the stack's dashboard and alarms
 * (infra/monitoring.ts) read them from here, so a name is spelled once. docs/operations.md says
 * what each one means.
 */
export const metricDefinitions = {
  requests: { name: 'Requests', unit: 'Count' },
  clientErrors: { name: 'ClientErrors', unit: 'Count', byErrorName: true },
  serverErrors: { name: 'ServerErrors', unit: 'Count', byErrorName: true },
  coldStarts: { name: 'ColdStarts', unit: 'Count' },
  writeConflicts: { name: 'WriteConflicts', unit: 'Count' },
  writeRetriesExhausted: { name: 'WriteRetriesExhausted', unit: 'Count' },
  catalogLookups: { name: 'CatalogLookups', unit: 'Count' },
  catalogFailures: { name: 'CatalogFailures', unit: 'Count' },
  catalogLatency: { name: 'CatalogLatency', unit: 'Milliseconds' },
  dynamoDbThrottles: { name: 'DynamoDbThrottles', unit: 'Count' },
  dynamoDbFailures: { name: 'DynamoDbFailures', unit: 'Count' },
  events: { name: 'Events', unit: 'Count' },
  eventFailures: { name: 'EventFailures', unit: 'Count' },
  amiEventsUnreadable: { name: 'AmiEventsUnreadable', unit: 'Count' },
  amiRecordsChanged: { name: 'AmiRecordsChanged', unit: 'Count' },
  changeEventsPublished: { name: 'ChangeEventsPublished', unit: 'Count' },
  changeEventsNotPublished: { name: 'ChangeEventsNotPublished', unit: 'Count' },
  changeRecordsUnreadable: { name: 'ChangeRecordsUnreadable', unit: 'Count' },
} as const satisfies Record<string, { name: string; unit: 'Count' | 'Milliseconds'; byErrorName?: boolean }>;

export type MetricKey = keyof typeof metricDefinitions;

/** The dimensions, kept few: every metric by operation; the error counts also by error name. */
export const metricDimensions = { operation: 'Operation', errorName: 'ErrorName' } as const;

/** The namespace when the stack's context `metricsNamespace` does not name another. */
export const DEFAULT_METRICS_NAMESPACE = 'ImageRegistry';

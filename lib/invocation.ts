import { AsyncLocalStorage } from 'node:async_hooks';
import type { MetricKey } from './metric-names.ts';

/**
 * One invocation of a function: what every log line and the metric line of the invocation carry.
 * Held in an AsyncLocalStorage, so the registry and the store log and count into the invocation
 * that called them without passing it along, also when the local front serves many at once.
 */
export interface Invocation {
  readonly operation: string;
  /** Lambda's request id (`context.awsRequestId`). */
  readonly lambdaRequestId: string;
  /** API Gateway's request id, the one `x-openstack-request-id` and every error message name. */
  readonly apiRequestId?: string | undefined;
  /** The first invocation of this operation in this process: a cold start. */
  readonly coldStart: boolean;
  /** The X-Ray trace, when Lambda traces the invocation. */
  readonly traceId?: string | undefined;
  /** Who called: the token's `sub` or `client_id`, or the IAM caller. */
  readonly caller?: string | undefined;
  /** The caller's tenant, once the edge has read it. */
  readonly tenant?: string | undefined;
  /** The answer's status and `error_name`, once there is one. */
  status?: number;
  errorName?: string;
  /** Counts are summed; observations (latencies) are kept one by one. */
  readonly counts: Map<MetricKey, number>;
  readonly observations: Map<MetricKey, number[]>;
}

/** What the event tells about the request; `tenant` may be a getter, read when a line is written. */
export type InvocationDetails = Partial<Pick<Invocation, 'apiRequestId' | 'caller' | 'tenant'>>;

const storage = new AsyncLocalStorage<Invocation>();
const warmOperations = new Set<string>();

/** `Root=1-5e1b...;Parent=...;Sampled=1` -> `1-5e1b...`: set by Lambda for each invocation it traces. */
const traceIdOf = (header: string | undefined) => /Root=([^;]+)/.exec(header ?? '')?.[1];

/** A new invocation; the first of its operation in this process is the cold start (one operation per process in Lambda). */
export const startInvocation = (operation: string, lambdaRequestId: string, details: InvocationDetails = {}): Invocation => {
  const coldStart = !warmOperations.has(operation);
  warmOperations.add(operation);
  const invocation = { operation, lambdaRequestId, coldStart, traceId: traceIdOf(process.env._X_AMZN_TRACE_ID), counts: new Map(), observations: new Map() };
  // Copied as descriptors, not read: a getter (the tenant, known once the edge has read the token) stays live.
  return Object.defineProperties(invocation, Object.getOwnPropertyDescriptors(details)) as Invocation;
};

export const runInInvocation = <T>(invocation: Invocation, work: () => Promise<T>): Promise<T> => storage.run(invocation, work);

/** The invocation the caller runs in; undefined outside one (a test calling the registry directly). */
export const currentInvocation = (): Invocation | undefined => storage.getStore();

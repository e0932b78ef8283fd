import { formatTable } from './statistics.ts';

/**
 * Upstream Sahara (16.0.0, in front of Glance 25.1.0) answering the same requests for a tenant of N
 * images: medians in ms, measured elsewhere on the same kind of machine (2 vCPUs), not by this
 * bench. docs/performance.md, "Against upstream", tells how.
 */
export const UPSTREAM_MS = {
  show: { 100: 37, 1000: 49, 5000: 37 },
  listByRareTag: { 100: 53, 1000: 563, 5000: 2419 },
  listAll: { 100: 100, 1000: 643, 5000: 2442 },
} as const satisfies Record<string, Readonly<Record<number, number>>>;

export type UpstreamOperation = keyof typeof UPSTREAM_MS;

export const UPSTREAM_LABEL = 'upstream Sahara, measured elsewhere on this kind of machine';

const LABELS: Record<UpstreamOperation, string> = { show: 'show', listByRareTag: 'list, 1 rare tag (10 matches)', listAll: 'list, all (N)' };

export interface UpstreamComparison {
  readonly operation: string;
  readonly oursP50Ms: number;
  readonly upstreamMs: number;
  /** How many times faster ours is. */
  readonly ratio: number;
}

/** Our p50 next to upstream's median for each operation upstream was measured at with `n` images; empty when it never was. */
export const compareWithUpstream = (n: number, oursP50Ms: (operation: UpstreamOperation) => number): UpstreamComparison[] =>
  (Object.keys(UPSTREAM_MS) as UpstreamOperation[]).flatMap((operation) => {
    const upstreamMs = (UPSTREAM_MS[operation] as Readonly<Record<number, number>>)[n];
    if (upstreamMs === undefined) return [];
    const ours = oursP50Ms(operation);
    return [{ operation: LABELS[operation], oursP50Ms: ours, upstreamMs, ratio: upstreamMs / ours }];
  });

export const upstreamTable = (comparisons: readonly UpstreamComparison[], ms: (value: number) => string) =>
  formatTable([
    ['operation', 'here p50 ms', 'upstream ms', 'times faster'],
    ...comparisons.map((c) => [c.operation, ms(c.oursP50Ms), String(c.upstreamMs), c.ratio >= 10 ? c.ratio.toFixed(0) : c.ratio.toFixed(1)]),
  ]);

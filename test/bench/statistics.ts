/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};

export const median = (samples: readonly number[]) => percentile(samples, 50);

export const mean = (samples: readonly number[]) => (samples.length === 0 ? Number.NaN : samples.reduce((a, b) => a + b, 0) / samples.length);

/** A plain-text table: the first row is the header; columns after the first are right-aligned. */
export const formatTable = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(rows[0]!), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(line)].join('\n');
};

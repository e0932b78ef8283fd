import { instrumentHttp } from '../../lib/http/instrumented-http-handler.ts';
import { log } from '../../lib/log.ts';
import { metrics } from '../../lib/metrics.ts';

/**
 * What an invocation does with the logging and metrics code, and nothing else: the HTTP wrapper
 * (invocation context, request and error counts), a timed catalog lookup, a change's log line, and
 * the metric line at the end. Measured against without-telemetry.ts (telemetry-cost.ts).
 */
export const handler = instrumentHttp('bench', async () => {
  metrics.count('catalogLookups');
  metrics.observe('catalogLatency', 1.25);
  log.info('image tags changed', { tenant: 't-bench', imageId: 'img-bench', added: ['spark'], removed: [], tags: ['3.5', 'spark'], version: 2 });
  return { statusCode: 202, headers: { 'content-type': 'application/json' }, body: '{"image":{}}' };
});

import { instrumentEvents } from '../lib/instrument.ts';
import { log } from '../lib/log.ts';
import { registry } from '../lib/registry-from-env.ts';

/**
 * Target of the daily schedule (EventBridge Scheduler), not an HTTP route: every registered AMI is
 * read again from EC2 and its records follow (docs/deploy.md, "Freshness: the daily sweep"). A
 * sweep that could not ask about some images fails, so the run shows in the function's errors.
 */
export const handler = instrumentEvents('sweep-ami-records', async () => {
  const summary = await registry.sweepImages();
  if (!summary.complete) log.error('AMI sweep stopped at its deadline before the end of the table', { ...summary });
  else log.info('AMI sweep done', { ...summary });
  if (summary.failed > 0) throw new Error(`AMI sweep: ${summary.failed} records could not be checked; the next sweep tries again`);
});

import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { acknowledgeScheduledInvoke } from './nag-acknowledgements.ts';

/** How often the sweep runs unless the `amiSweepSchedule` context says otherwise. */
const DEFAULT_AMI_SWEEP_SCHEDULE = 'rate(1 day)';

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;
const MINUTES = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 } as const;

/**
 * The `amiSweepSchedule` context: an EventBridge Scheduler expression, `rate(1 day)` or
 * `cron(0 3 * * ? *)` (UTC). A sweep reads the whole table, so it runs at most once an hour.
 */
export const amiSweepScheduleFromContext = (value: string | undefined): string => {
  const expression = value || DEFAULT_AMI_SWEEP_SCHEDULE;
  const rate = RATE.exec(expression);
  if (rate ? Number(rate[1]) * MINUTES[rate[2] as keyof typeof MINUTES] < 60 : !CRON.test(expression)) {
    throw new Error(`amiSweepSchedule: '${expression}' is not a schedule of at most once an hour: give rate(1 day), rate(12 hours) or cron(0 3 * * ? *)`);
  }
  return expression;
};

export interface AmiSweepProps {
  /** The function functions/sweep-ami-records.ts, built to describe AMIs. */
  readonly fn: IFunction;
  readonly table: ITable;
  /** An EventBridge Scheduler expression (amiSweepScheduleFromContext). */
  readonly expression: string;
}

/**
 * The daily sweep (lib/registry/image-sweep.ts): EventBridge Scheduler invokes the function, which
 * reads every record of the table and every registered AMI again, and updates or removes records.
 * It keeps shared and public AMIs fresh, whose state changes no event tells the account about, and
 * makes good an AMI state event that was lost.
 */
export class AmiSweep extends Construct {
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, { fn, table, expression }: AmiSweepProps) {
    super(scope, id);
    // Scan to read every record; GetItem, UpdateItem and DeleteItem (also inside the transaction
    // that removes a record with its tag entries) to refresh or remove one. No index: each record
    // names its tenant.
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], resources: [table.tableArn] }),
    );
    // The scheduler's own role, as the target would make it, but named here so that its one finding is acknowledged on it alone.
    const invoker = new Role(this, 'Invoker', {
      description: 'EventBridge Scheduler invokes the AMI sweep with this role',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
    });
    acknowledgeScheduledInvoke(invoker, fn);
    this.schedule = new Schedule(this, 'Schedule', {
      description: "Sweep of the image registry's AMI records: every registered AMI read again from EC2",
      schedule: ScheduleExpression.expression(expression),
      // Retries of the invocation itself (Lambda throttled or unavailable); a sweep that ran and
      // failed is retried by Lambda's own asynchronous retries. A missed sweep waits for the next.
      target: new LambdaInvoke(fn, { role: invoker, retryAttempts: 3, maxEventAge: Duration.hours(1) }),
    });
  }
}

import { ServiceName, scopedName, sourceTableNames } from '@totes/model';
import type { Bus } from './bus';
import { logicalName } from './naming';
import { type DeploySettings, DeployVariable } from './settings';
import type { StagePlan } from './stage';

/** The metric namespace and name the warehouse loader publishes each load's source lag under (Powertools EMF). */
export const FreshnessMetric = { namespace: 'Totes', name: 'SourceLagSeconds' } as const;

/** A Duration p99 at this share of a function's timeout alarms: the next slow run may time out. */
export const durationAlarmShare = 0.9;

/** What the alarms watch. */
export interface AlarmsInput {
  readonly plan: StagePlan;
  readonly settings: DeploySettings;
  readonly bus: Bus;
  readonly functions: Readonly<Record<ServiceName, sst.aws.Function>>;
  /** A function's timeout on this stage. */
  readonly timeoutSeconds: (service: ServiceName) => number;
  /** A queue's visibility timeout: a message older than that waited longer than one attempt of its consumer. */
  readonly visibilityTimeoutSeconds: (queue: Bus['queues'][number]) => number;
}

/** A stage's alerting: the topic every alarm publishes to, and the alarms, by name. */
export interface Alerting {
  readonly topic: sst.aws.SnsTopic;
  readonly alarms: readonly aws.cloudwatch.MetricAlarm[];
}

/** The fields every alarm of a stage shares: publish on alarm and on recovery, to the alerts topic. */
type AlarmArgs = Omit<aws.cloudwatch.MetricAlarmArgs, 'alarmActions' | 'okActions' | 'name'>;

/**
 * The stage's alarms, derived from its topology and functions (never listed by hand), publishing to an alerts
 * topic that `TOTES_ALERT_EMAILS` subscribes: per dead-letter queue, any message; per queue, the age of its oldest
 * message past its visibility timeout; per function, errors, throttles and a Duration p99 near its timeout; per
 * source table, a lag past the freshness SLA, or no lag reported for as long.
 */
export function alarms(input: AlarmsInput): Alerting {
  const { plan, settings } = input;
  const topic = new sst.aws.SnsTopic('AlertsTopic', {
    transform: { topic: { name: scopedName(plan.stage, 'alerts') } },
  });
  for (const email of settings.alertEmails) {
    new aws.sns.TopicSubscription(logicalName('alert', email), {
      topic: topic.arn,
      protocol: 'email',
      endpoint: email,
    });
  }
  const alarm = (what: string, args: AlarmArgs) =>
    new aws.cloudwatch.MetricAlarm(logicalName(what, 'alarm'), {
      name: scopedName(plan.stage, what),
      ...args,
      alarmActions: [topic.arn],
      okActions: [topic.arn],
    });
  const created = [
    ...queueAlarms(input).map(([what, args]) => alarm(what, args)),
    ...functionAlarms(input).map(([what, args]) => alarm(what, args)),
    ...freshnessAlarms(input).map(([what, args]) => alarm(what, args)),
  ];
  return { topic, alarms: created };
}

type NamedAlarm = readonly [what: string, args: AlarmArgs];

function queueAlarms(input: AlarmsInput): NamedAlarm[] {
  const { plan } = input;
  return input.bus.queues.flatMap((queue): NamedAlarm[] => [
    [
      `${queue.spec.deadLetterQueue}-messages`,
      {
        alarmDescription: `Messages wait in ${scopedName(plan.stage, queue.spec.deadLetterQueue)}: see docs/operations.md, "Alarms"`,
        namespace: 'AWS/SQS',
        // Visible, not NumberOfMessagesSent: redrive moves a message without sending it.
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: scopedName(plan.stage, queue.spec.deadLetterQueue) },
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      },
    ],
    [
      `${queue.spec.name}-oldest-message`,
      {
        alarmDescription: `A message in ${scopedName(plan.stage, queue.spec.name)} is older than its visibility timeout`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: scopedName(plan.stage, queue.spec.name) },
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 1,
        threshold: input.visibilityTimeoutSeconds(queue),
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      },
    ],
  ]);
}

function functionAlarms(input: AlarmsInput): NamedAlarm[] {
  const { plan } = input;
  return Object.values(ServiceName).flatMap((service): NamedAlarm[] => {
    const dimensions = { FunctionName: input.functions[service].name };
    const failures = (metricName: 'Errors' | 'Throttles'): NamedAlarm => [
      `${service}-${metricName.toLowerCase()}`,
      {
        alarmDescription: `${scopedName(plan.stage, service)} reported ${metricName}`,
        namespace: 'AWS/Lambda',
        metricName,
        dimensions,
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
      },
    ];
    const timeoutMs = input.timeoutSeconds(service) * 1000;
    return [
      failures('Errors'),
      failures('Throttles'),
      [
        `${service}-duration`,
        {
          alarmDescription: `${scopedName(plan.stage, service)}'s Duration p99 is near its ${timeoutMs} ms timeout`,
          namespace: 'AWS/Lambda',
          metricName: 'Duration',
          dimensions,
          extendedStatistic: 'p99',
          period: 300,
          evaluationPeriods: 1,
          threshold: Math.round(durationAlarmShare * timeoutMs),
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          treatMissingData: 'notBreaching',
        },
      ],
    ];
  });
}

/**
 * One alarm per source table over one SLA-long period: the largest lag reported in it passed the SLA, or nothing
 * was reported in it at all (missing data breaches), so a platform that stopped loading alarms too.
 *
 * On an inbox-only stage the same alarm watches files, and stays: the lag is still that of the table's runs, each
 * now a claim of files (the loader reports a completed one's duration, the detector the age of an unfinished one or
 * 0 on every invocation), so it fires for a file not in the warehouse within the SLA of its detection, or when
 * detection stops; a table that gets no file reports 0 and stays quiet.
 */
function freshnessAlarms(input: AlarmsInput): NamedAlarm[] {
  const { plan, settings } = input;
  // CloudWatch periods above a minute are whole minutes.
  const period = Math.ceil(settings.freshnessSlaSeconds / 60) * 60;
  const sla = `${DeployVariable.freshnessSlaSeconds}=${settings.freshnessSlaSeconds} s`;
  return sourceTableNames.map(
    (table): NamedAlarm => [
      `${table}-freshness`,
      {
        alarmDescription: settings.inboxOnly
          ? `A file of ${table} is not in the warehouse ${sla} after it was found in ${plan.stage}'s inbox, or detection stopped`
          : `${table} is staler than ${sla} in ${plan.stage}, or stopped loading`,
        namespace: FreshnessMetric.namespace,
        metricName: FreshnessMetric.name,
        dimensions: { stage: plan.stage, table },
        statistic: 'Maximum',
        period,
        evaluationPeriods: 1,
        threshold: settings.freshnessSlaSeconds,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'breaching',
      },
    ],
  );
}

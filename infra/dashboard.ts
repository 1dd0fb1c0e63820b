import { ServiceName, scopedName, sourceTableNames } from '@totes/model';
import { type Alerting, FreshnessMetric } from './alarms';
import type { Bus } from './bus';
import type { StagePlan } from './stage';

type Metric = readonly (string | Record<string, unknown>)[];

/**
 * The stage's CloudWatch dashboard: the figures `totes status` prints (lag per source table, queue and dead-letter
 * depths) and the functions' errors and durations, beside the state of every alarm.
 */
export function dashboard(
  plan: StagePlan,
  bus: Bus,
  functions: Readonly<Record<ServiceName, sst.aws.Function>>,
  alerting: Alerting,
): aws.cloudwatch.Dashboard {
  const region = aws.getRegionOutput({}).region;
  const queueDepth = (name: string): Metric => [
    'AWS/SQS',
    'ApproximateNumberOfMessagesVisible',
    'QueueName',
    scopedName(plan.stage, name),
  ];
  const graph = (title: string, metrics: $util.Input<Metric>[], stat: string) => ({
    type: 'metric',
    width: 12,
    height: 6,
    properties: { title, region, stat, period: 60, view: 'timeSeries', metrics },
  });
  const lambda = (metricName: string) =>
    Object.values(ServiceName).map(
      (service): $util.Input<Metric> =>
        $output(functions[service].name).apply((name) => ['AWS/Lambda', metricName, 'FunctionName', name]),
    );
  const widgets = [
    {
      type: 'alarm',
      width: 24,
      height: 4,
      properties: { title: 'Alarms', alarms: alerting.alarms.map((alarm) => alarm.arn) },
    },
    graph(
      'Source lag per table (s)',
      sourceTableNames.map((table) => [
        FreshnessMetric.namespace,
        FreshnessMetric.name,
        'stage',
        plan.stage,
        'table',
        table,
      ]),
      'Maximum',
    ),
    graph(
      'Queue depth',
      bus.queues.map((queue) => queueDepth(queue.spec.name)),
      'Maximum',
    ),
    graph(
      'Dead-letter depth',
      bus.queues.map((queue) => queueDepth(queue.spec.deadLetterQueue)),
      'Maximum',
    ),
    graph('Function errors', lambda('Errors'), 'Sum'),
    graph('Function duration p99 (ms)', lambda('Duration'), 'p99'),
  ];
  return new aws.cloudwatch.Dashboard('Dashboard', {
    dashboardName: scopedName(plan.stage, 'platform'),
    dashboardBody: $jsonStringify({ widgets }),
  });
}

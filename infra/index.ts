import { platformTopology, ServiceName, type Topology } from '@totes/model';
import { alarms } from './alarms';
import { bus } from './bus';
import { dashboard } from './dashboard';
import { inboxBucket, notifyInboxEvents } from './inbox';
import { lakeBuckets } from './lake';
import { detectionSchedule } from './schedule';
import { databaseSecrets } from './secrets';
import { services, timeoutSecondsOf } from './services';
import { deploySettings } from './settings';
import { stagePlan } from './stage';

/** What `sst deploy` is given. */
export interface DeployOptions {
  readonly stage: string;
  /** The environment of `sst deploy`: see {@link deploySettings}. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The topology to build; always the platform's own, except in the test that proves drift is caught. */
  readonly topology?: Topology;
}

/** A queue's visibility timeout: six times its consumer's timeout, as AWS advises for Lambda event sources. */
export const visibilityTimeoutFactor = 6;

/**
 * Declares a whole stage: the lake, the inbox, its notifications and its writers, the bus derived from the platform
 * topology, the secrets, the five functions, the detection schedule, and the alarms and dashboard that watch them.
 * Returns the stage's outputs. An inbox-only stage (`TOTES_SOURCE_LOCATION=none`) is the same stage without the
 * source: no source secret, and functions told there is none.
 */
export function deploy(options: DeployOptions): Record<string, unknown> {
  const plan = stagePlan(options.stage);
  const settings = deploySettings(options.env, plan);
  const topology = options.topology ?? platformTopology();
  const timeoutSeconds = (service: ServiceName) => timeoutSecondsOf(service, settings);
  const visibilityTimeoutSeconds = (spec: { readonly consumer: ServiceName }) =>
    visibilityTimeoutFactor * timeoutSeconds(spec.consumer);
  const lake = lakeBuckets(plan);
  const inbox = inboxBucket(plan, settings.inboxWriters);
  const secrets = databaseSecrets(plan, settings);
  const messaging = bus(plan, topology, visibilityTimeoutSeconds, inbox);
  notifyInboxEvents(inbox, messaging.inboxEvents);
  const functions = services({ plan, settings, topology, lake, inbox, secrets, bus: messaging });
  detectionSchedule(plan, functions[ServiceName.changeDetector]);
  const alerting = alarms({
    plan,
    settings,
    bus: messaging,
    functions,
    timeoutSeconds,
    visibilityTimeoutSeconds: (queue) => visibilityTimeoutSeconds(queue.spec),
  });
  dashboard(plan, messaging, functions, alerting);
  return {
    stage: plan.stage,
    warehouseSchema: plan.warehouseSchema,
    stateSchema: plan.stateSchema,
    rawBucket: lake.buckets.raw.name,
    processedBucket: lake.buckets.processed.name,
    lakePrefix: lake.prefix,
    inboxUrl: inbox.url,
    inboxOnly: settings.inboxOnly,
    detectMode: settings.detectMode,
    alertsTopic: alerting.topic.arn,
    ...Object.fromEntries(
      Object.entries(messaging.topics).map(([topic, resource]) => [`topic:${topic}`, resource.arn]),
    ),
  };
}

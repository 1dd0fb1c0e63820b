/// <reference path="./sst-globals.d.ts" />
import { platformTopology, ServiceName, type Topology } from '@totes/model';
import { bus } from './bus';
import { lakeBuckets } from './lake';
import { detectionSchedule } from './schedule';
import { databaseSecrets } from './secrets';
import { serviceSettings, services } from './services';
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
 * Declares a whole stage: the lake, the bus derived from the platform topology, the secrets, the five functions
 * and the detection schedule. Returns the stage's outputs.
 */
export function deploy(options: DeployOptions): Record<string, unknown> {
  const plan = stagePlan(options.stage);
  const settings = deploySettings(options.env);
  const topology = options.topology ?? platformTopology();
  const lake = lakeBuckets(plan);
  const secrets = databaseSecrets(plan);
  const messaging = bus(
    plan,
    topology,
    (spec) => visibilityTimeoutFactor * serviceSettings[spec.consumer].timeoutSeconds,
  );
  const functions = services({ plan, settings, topology, lake, secrets, bus: messaging });
  detectionSchedule(plan, functions[ServiceName.changeDetector]);
  return {
    stage: plan.stage,
    warehouseSchema: plan.warehouseSchema,
    stateSchema: plan.stateSchema,
    rawBucket: lake.buckets.raw.name,
    processedBucket: lake.buckets.processed.name,
    lakePrefix: lake.prefix,
    ...Object.fromEntries(
      Object.entries(messaging.topics).map(([topic, resource]) => [`topic:${topic}`, resource.arn]),
    ),
  };
}

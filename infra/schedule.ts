/// <reference path="./sst-globals.d.ts" />
import { scopedName } from '@totes/model';
import type { StagePlan } from './stage';

/** How often the detector runs on AWS: EventBridge Scheduler's shortest rate (locally it is every second). */
export const detectionRate = 'rate(1 minute)';

/**
 * The EventBridge schedule that runs one detection cycle a minute. A missed or failed cycle is not retried: the
 * next one asks again for everything still past its watermark.
 */
export function detectionSchedule(plan: StagePlan, detector: sst.aws.Function): sst.aws.CronV2 {
  return new sst.aws.CronV2('DetectSchedule', {
    function: detector.arn,
    schedule: detectionRate,
    retries: 0,
    transform: { schedule: { name: scopedName(plan.stage, 'detect') } },
  });
}

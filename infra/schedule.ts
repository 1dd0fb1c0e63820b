import { detectorPeriodMinutes } from '@totes/aws-entry/contract';
import { scopedName } from '@totes/model';
import type { StagePlan } from './stage';

/** How often the detector runs on AWS: EventBridge Scheduler's shortest rate (locally it is every second). */
export const detectionRate = `rate(${detectorPeriodMinutes} minute)`;

/**
 * The EventBridge schedule that invokes the detector once a minute: for one cycle (`per-minute`), or for cycles
 * until just before the next invocation (`continuous`, `TOTES_DETECT_MODE`). A missed or failed invocation is not
 * retried: the next one asks again for everything still past its watermark.
 */
export function detectionSchedule(plan: StagePlan, detector: sst.aws.Function): sst.aws.CronV2 {
  return new sst.aws.CronV2('DetectSchedule', {
    function: detector.arn,
    schedule: detectionRate,
    retries: 0,
    transform: { schedule: { name: scopedName(plan.stage, 'detect') } },
  });
}

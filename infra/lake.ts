/// <reference path="./sst-globals.d.ts" />
import { scopedName } from '@totes/model';
import { InfraError, InfraErrorCode } from './errors';
import type { StagePlan } from './stage';

/** The lake's zones, as the runtime names them (`LakeZone` in @totes/runtime). */
export const Zone = { raw: 'raw', processed: 'processed' } as const;
export type Zone = (typeof Zone)[keyof typeof Zone];

/** A stage's lake: one bucket per zone, and the stage's prefix inside each. */
export interface LakeBuckets {
  readonly buckets: Readonly<Record<Zone, sst.aws.Bucket>>;
  /** The key prefix of this stage's data: `s3://<bucket>/<prefix>/<zone>/…`. */
  readonly prefix: string;
}

// S3's limit on a bucket name prefix; AWS appends a unique suffix to make the name global.
const maxBucketPrefix = 37;

/**
 * The raw and processed buckets of a stage. Production's are versioned and kept when the stage is removed (the
 * app's removal policy is `retain`); every other stage's are emptied and removed with it.
 */
export function lakeBuckets(plan: StagePlan): LakeBuckets {
  const bucket = (logicalName: string, zone: Zone) => {
    const bucketPrefix = `${scopedName(plan.stage, zone)}-`;
    if (bucketPrefix.length > maxBucketPrefix) {
      throw new InfraError(
        InfraErrorCode.nameTooLong,
        `bucket prefix "${bucketPrefix}" is longer than S3's ${maxBucketPrefix} characters: use a shorter stage name`,
      );
    }
    return new sst.aws.Bucket(logicalName, {
      versioning: plan.retainData,
      cors: false,
      transform: { bucket: { bucketPrefix, forceDestroy: !plan.retainData } },
    });
  };
  return {
    buckets: { raw: bucket('RawZone', Zone.raw), processed: bucket('ProcessedZone', Zone.processed) },
    prefix: plan.lakePrefix,
  };
}

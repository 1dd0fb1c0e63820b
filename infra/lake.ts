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

// S3's limit on a bucket name.
const maxBucketName = 63;
/** The length of an AWS account ID, which ends every bucket name. */
const accountIdLength = 12;

/**
 * The raw and processed buckets of a stage, `totes-<stage>-<zone>-<account ID>`: unique across AWS, and known
 * before the deploy. Production's are versioned and kept when the stage is removed (the
 * app's removal policy is `retain`); every other stage's are emptied and removed with it.
 */
export function lakeBuckets(plan: StagePlan): LakeBuckets {
  return {
    buckets: {
      raw: stageBucket(plan, 'RawZone', Zone.raw),
      processed: stageBucket(plan, 'ProcessedZone', Zone.processed),
    },
    prefix: plan.lakePrefix,
  };
}

/** Statements added to a bucket's policy, beside SST's HTTPS-only one (a bucket has a single policy). */
export type BucketStatements = NonNullable<sst.aws.BucketArgs['policy']>;

/**
 * A bucket of the stage, `totes-<stage>-<role>-<account ID>`, with the lake's data policy: versioned and kept in
 * production, emptied and removed with any other stage.
 *
 * @throws {@link InfraError} when the name would pass S3's 63 characters.
 */
export function stageBucket(
  plan: StagePlan,
  logicalName: string,
  role: string,
  policy?: BucketStatements,
): sst.aws.Bucket {
  const account = aws.getCallerIdentityOutput({}).accountId;
  const prefix = `${scopedName(plan.stage, role)}-`;
  if (prefix.length + accountIdLength > maxBucketName) {
    throw new InfraError(
      InfraErrorCode.nameTooLong,
      `bucket name "${prefix}<account>" is longer than S3's ${maxBucketName} characters: use a shorter stage name`,
    );
  }
  // The full name, set here: SST would otherwise set an automatic one (S3 refuses a prefix beside it).
  return new sst.aws.Bucket(logicalName, {
    versioning: plan.retainData,
    cors: false,
    ...(policy ? { policy } : {}),
    transform: { bucket: { bucket: $interpolate`${prefix}${account}`, forceDestroy: !plan.retainData } },
  });
}

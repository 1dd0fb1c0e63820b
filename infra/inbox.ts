import type { BusQueue } from './bus';
import { type BucketStatements, stageBucket } from './lake';
import type { StagePlan } from './stage';

/** The prefix of the inbox's files in its bucket: `s3://<bucket>/inbox/<table>/<name>`. */
export const inboxPrefix = 'inbox';

/** A stage's inbox: a bucket of its own, the files under {@link inboxPrefix}. */
export interface InboxBucket {
  readonly bucket: sst.aws.Bucket;
  readonly prefix: string;
  /** `s3://<bucket>/inbox`: the functions' `TOTES_INBOX_URL`. */
  readonly url: $util.Output<string>;
}

/**
 * What another team's principal may do in the inbox bucket: put an object (a multipart upload's create, parts and
 * completion are all `s3:PutObject`) and abort a multipart upload it gave up on, which would otherwise keep its parts.
 * Never read, list or delete: they drop files, and the platform's ledger is the only account of what was read.
 */
export const inboxWriterActions = ['s3:PutObject', 's3:AbortMultipartUpload'] as const;

/**
 * The inbox's bucket, `totes-<stage>-inbox-<account ID>`, with the lake's data policy. A bucket of its own, not a
 * prefix of the raw zone's: the teams who drop files are granted this bucket and never the lake, S3 has one
 * notification configuration per bucket and this one is the inbox's alone, and its retention can differ.
 *
 * @param writers the IAM principal ARNs (`TOTES_INBOX_WRITERS`) the bucket's policy lets write under the prefix.
 */
export function inboxBucket(plan: StagePlan, writers: readonly string[] = []): InboxBucket {
  const bucket = stageBucket(plan, 'InboxBucket', 'inbox', inboxWriterStatements(writers));
  return { bucket, prefix: inboxPrefix, url: $interpolate`s3://${bucket.name}/${inboxPrefix}` };
}

/**
 * The bucket policy's statement for the writers, beside SST's HTTPS-only one: {@link inboxWriterActions} on the
 * inbox's objects alone. An object another account writes belongs to this one (S3's default ownership for a new
 * bucket, `BucketOwnerEnforced`), so the extractor reads it whatever ACL the writer sent.
 */
function inboxWriterStatements(writers: readonly string[]): BucketStatements | undefined {
  if (writers.length === 0) return undefined;
  return [
    {
      effect: 'allow',
      principals: [{ type: 'aws', identifiers: [...writers] }],
      actions: [...inboxWriterActions],
      paths: [`${inboxPrefix}/*`],
    },
  ];
}

/**
 * The bucket's event notification: every object created under the inbox's prefix (a put, a copy, the end of a
 * multipart upload) is announced to the inbox events queue, which the detector consumes. Events are not guaranteed
 * to arrive; the detector's re-listing finds what they miss.
 */
export function notifyInboxEvents(inbox: InboxBucket, events: BusQueue): void {
  inbox.bucket.notify({
    notifications: [
      {
        name: 'InboxFiles',
        queue: events.queue,
        events: ['s3:ObjectCreated:*'],
        filterPrefix: `${inbox.prefix}/`,
      },
    ],
  });
}

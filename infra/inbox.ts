import type { BusQueue } from './bus';
import { stageBucket } from './lake';
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
 * The inbox's bucket, `totes-<stage>-inbox-<account ID>`, with the lake's data policy. A bucket of its own, not a
 * prefix of the raw zone's: the teams who drop files are granted this bucket and never the lake, S3 has one
 * notification configuration per bucket and this one is the inbox's alone, and its retention can differ.
 */
export function inboxBucket(plan: StagePlan): InboxBucket {
  const bucket = stageBucket(plan, 'InboxBucket', 'inbox');
  return { bucket, prefix: inboxPrefix, url: $interpolate`s3://${bucket.name}/${inboxPrefix}` };
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

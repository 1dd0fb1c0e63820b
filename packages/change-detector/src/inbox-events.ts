import type { InboxFile } from '@totes/contracts';
import { ChangeDetectorError, ChangeDetectorErrorCode } from './errors';

/** Where the inbox lives in its bucket, to turn an object key of an event into a key under the inbox's root. */
export interface InboxLocation {
  readonly bucket: string;
  /** The inbox's prefix in the bucket, without a trailing slash; `''` for the whole bucket. */
  readonly prefix: string;
}

/** What one notification said: the files it names, and the objects it names that are not the inbox's files. */
export interface InboxNotification {
  readonly files: readonly InboxFile[];
  /** `bucket/key` of objects outside the inbox, hidden (`.name`), folders, or events other than a creation. */
  readonly ignored: readonly string[];
}

/** A notification that is not an S3 event the inbox understands: it can never be read, so it is dead-lettered. */
export class MalformedInboxEventError extends ChangeDetectorError {
  override name = 'MalformedInboxEventError';
  /** Retrying cannot help: the queue's consumer moves the record to the dead-letter queue. */
  readonly permanent = true;
  constructor(detail: string) {
    super(
      ChangeDetectorErrorCode.malformedInboxEvent,
      `not an S3 event notification of the inbox: ${detail}`,
    );
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the body of a notification queue's record: an S3 event notification (`{"Records":[…]}`, as S3 sends it to
 * SQS), the same wrapped in an SNS envelope (`Message`), or an EventBridge `Object Created` event; S3's
 * `s3:TestEvent`, sent when the notification is configured, names no file. A file's version is its ETag as the
 * S3 listing gives it (quoted), so an event and a listing record the same ledger entry.
 *
 * @throws {@link MalformedInboxEventError} for a body that is not JSON or not one of these shapes.
 */
export function parseInboxNotification(body: string, inbox: InboxLocation): InboxNotification {
  const event = unwrap(parseJson(body));
  if (event.Event === 's3:TestEvent') return { files: [], ignored: [] };
  if (event.source === 'aws.s3' && isObject(event.detail)) return fromEventBridge(event.detail, inbox);
  if (!Array.isArray(event.Records)) throw new MalformedInboxEventError('it has no Records');
  const files: InboxFile[] = [];
  const ignored: string[] = [];
  event.Records.forEach((record, index) => {
    const { eventName, s3 } = isObject(record) ? record : {};
    if (!isObject(s3) || !isObject(s3.bucket) || !isObject(s3.object) || typeof eventName !== 'string') {
      throw new MalformedInboxEventError(`record ${index} has no eventName, s3.bucket or s3.object`);
    }
    // S3 writes a key URL-encoded, a space as `+`.
    const objectKey = decodeKey(s3.object.key, index);
    const found = fileOf(inbox, s3.bucket.name, objectKey, s3.object.eTag, s3.object.size, index);
    if (found && eventName.startsWith('ObjectCreated:')) files.push(found);
    else ignored.push(`${String(s3.bucket.name)}/${objectKey}`);
  });
  return { files, ignored };
}

function parseJson(body: string): Json {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isObject(parsed)) return parsed;
  } catch {
    // Reported below, with the body's start.
  }
  throw new MalformedInboxEventError(`the body is not a JSON object: ${JSON.stringify(body.slice(0, 200))}`);
}

/** An SNS envelope (a topic between the bucket and the queue, without raw delivery) holds the event as a string. */
function unwrap(event: Json): Json {
  return event.Type === 'Notification' && typeof event.Message === 'string'
    ? parseJson(event.Message)
    : event;
}

function fromEventBridge(detail: Json, inbox: InboxLocation): InboxNotification {
  const { bucket, object } = detail;
  if (!isObject(bucket) || !isObject(object) || typeof object.key !== 'string') {
    throw new MalformedInboxEventError('the EventBridge event has no detail.bucket or detail.object.key');
  }
  const found = fileOf(inbox, bucket.name, object.key, object.etag, object.size, 0);
  return found
    ? { files: [found], ignored: [] }
    : { files: [], ignored: [`${String(bucket.name)}/${object.key}`] };
}

function decodeKey(key: unknown, index: number): string {
  if (typeof key !== 'string') throw new MalformedInboxEventError(`record ${index} has no s3.object.key`);
  try {
    return decodeURIComponent(key.replaceAll('+', ' '));
  } catch {
    throw new MalformedInboxEventError(`record ${index}'s key ${JSON.stringify(key)} is not URL-encoded`);
  }
}

/** The inbox file an object is, or null for an object that is not one (elsewhere, hidden, a folder). */
function fileOf(
  inbox: InboxLocation,
  bucket: unknown,
  objectKey: string,
  eTag: unknown,
  size: unknown,
  index: number,
): InboxFile | null {
  const root = inbox.prefix === '' ? '' : `${inbox.prefix}/`;
  if (bucket !== inbox.bucket || !objectKey.startsWith(root) || objectKey.endsWith('/')) return null;
  const key = objectKey.slice(root.length);
  // As the listing: a name starting with `.` at any level is a copy in progress.
  if (key.split('/').some((segment) => segment.startsWith('.'))) return null;
  if (typeof eTag !== 'string' || eTag === '' || typeof size !== 'number' || !Number.isInteger(size)) {
    throw new MalformedInboxEventError(`record ${index} (${objectKey}) has no eTag or size`);
  }
  return { key, version: `"${eTag.replaceAll('"', '')}"`, bytes: size };
}

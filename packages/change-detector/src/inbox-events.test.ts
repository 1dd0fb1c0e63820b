import { describe, expect, it } from 'vitest';
import { MalformedInboxEventError, parseInboxNotification } from './inbox-events';

const inbox = { bucket: 'totes-prod-inbox-123456789012', prefix: 'inbox' };

/** An S3 event notification as S3 sends it to SQS (event structure version 2.1). */
function s3Event(
  ...objects: { key: string; eTag?: string; size?: number; eventName?: string; bucket?: string }[]
) {
  return JSON.stringify({
    Records: objects.map((object) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-2',
      eventTime: '2026-12-02T08:00:00.000Z',
      eventName: object.eventName ?? 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'inbox-files',
        bucket: { name: object.bucket ?? inbox.bucket, arn: `arn:aws:s3:::${object.bucket ?? inbox.bucket}` },
        object: {
          key: object.key,
          size: object.size ?? 42,
          eTag: object.eTag ?? 'abc123',
          sequencer: '0A1B',
        },
      },
    })),
  });
}

describe('parseInboxNotification', () => {
  it('names the file under the inbox root, versioned by its ETag quoted as the S3 listing gives it', () => {
    const notification = parseInboxNotification(
      s3Event({ key: 'inbox/sales_order/day+1%2C+2.csv', eTag: 'd41d8cd9', size: 1024 }),
      inbox,
    );

    expect(notification).toEqual({
      files: [{ key: 'sales_order/day 1, 2.csv', version: '"d41d8cd9"', bytes: 1024 }],
      ignored: [],
    });
  });

  it('reads every record of one event, and a multipart upload’s ETag', () => {
    const notification = parseInboxNotification(
      s3Event(
        { key: 'inbox/payment/a.csv', eventName: 'ObjectCreated:CompleteMultipartUpload', eTag: 'ff-3' },
        { key: 'inbox/design/b.jsonl.gz' },
      ),
      inbox,
    );

    expect(notification.files.map((file) => [file.key, file.version])).toEqual([
      ['payment/a.csv', '"ff-3"'],
      ['design/b.jsonl.gz', '"abc123"'],
    ]);
  });

  it('names no file for S3’s test event, sent when the notification is configured', () => {
    const test = {
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2026-12-02T08:00:00Z',
      Bucket: inbox.bucket,
    };

    expect(parseInboxNotification(JSON.stringify(test), inbox)).toEqual({ files: [], ignored: [] });
  });

  it('unwraps an event that came through an SNS topic, and reads an EventBridge one', () => {
    const wrapped = JSON.stringify({ Type: 'Notification', Message: s3Event({ key: 'inbox/staff/s.csv' }) });
    const bridged = JSON.stringify({
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: inbox.bucket }, object: { key: 'inbox/staff/t.csv', size: 7, etag: 'e1' } },
    });

    expect(parseInboxNotification(wrapped, inbox).files.map((file) => file.key)).toEqual(['staff/s.csv']);
    expect(parseInboxNotification(bridged, inbox).files).toEqual([
      { key: 'staff/t.csv', version: '"e1"', bytes: 7 },
    ]);
  });

  it('ignores objects outside the inbox, hidden copies in progress, folders and events other than a creation', () => {
    const notification = parseInboxNotification(
      s3Event(
        { key: 'other/staff/s.csv' },
        { key: 'inbox/staff/s.csv', bucket: 'someone-elses' },
        { key: 'inbox/staff/.s.csv.tmp' },
        { key: 'inbox/staff/' },
        { key: 'inbox/staff/s.csv', eventName: 'ObjectRemoved:Delete' },
      ),
      inbox,
    );

    expect(notification.files).toEqual([]);
    expect(notification.ignored).toEqual([
      `${inbox.bucket}/other/staff/s.csv`,
      'someone-elses/inbox/staff/s.csv',
      `${inbox.bucket}/inbox/staff/.s.csv.tmp`,
      `${inbox.bucket}/inbox/staff/`,
      `${inbox.bucket}/inbox/staff/s.csv`,
    ]);
  });

  it.each([
    ['a body that is not JSON', 'hello', /the body is not a JSON object: "hello"/],
    ['JSON without Records', '{"Message":"hi"}', /it has no Records/],
    ['a record without s3', '{"Records":[{"eventName":"ObjectCreated:Put"}]}', /record 0 has no eventName/],
    [
      'a record without an eTag',
      s3Event({ key: 'inbox/staff/s.csv', eTag: '' }),
      /record 0 \(inbox\/staff\/s.csv\) has no eTag/,
    ],
    ['a key that is not URL-encoded', s3Event({ key: 'inbox/staff/100%.csv' }), /is not URL-encoded/],
  ])('refuses %s with a permanent error naming what is wrong', (_case, body, message) => {
    const parse = () => parseInboxNotification(body, inbox);

    expect(parse).toThrow(MalformedInboxEventError);
    expect(parse).toThrow(message);
    expect(() => parse()).toThrow(
      expect.objectContaining({ permanent: true, code: 'MALFORMED_INBOX_EVENT' }),
    );
  });
});

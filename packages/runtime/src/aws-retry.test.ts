import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { awsRetryConfig, createAwsClients } from './aws-clients';

// These tests drive the real SDK pipeline (serializer, retry middleware, error parser) over a scripted HTTP handler:
// mocking `send` (aws-sdk-client-mock) would skip the retry middleware whose policy they check.
interface Answer {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

function scripted(answers: Answer[], success: (body: string) => Answer) {
  const attempts: string[] = [];
  const requestHandler = {
    async handle(request: { headers: Record<string, string>; body?: unknown }) {
      attempts.push(request.headers['amz-sdk-request'] ?? '');
      const body = request.body === undefined ? '' : Buffer.from(request.body as string).toString('utf8');
      const answer = answers.shift() ?? success(body);
      return {
        response: {
          statusCode: answer.status,
          headers: answer.headers ?? {},
          body: Readable.from([Buffer.from(answer.body ?? '')]),
        },
      };
    },
  };
  return { attempts, requestHandler };
}

const common = {
  ...awsRetryConfig,
  region: 'eu-west-2',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
};

const sqsError = (code: string): Answer => ({
  status: 400,
  headers: { 'x-amzn-query-error': `${code};Sender`, 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({ __type: `com.amazonaws.sqs#${code}`, message: 'Rate exceeded' }),
});
const sqsSent = (request: string): Answer => {
  const { MessageBody } = JSON.parse(request) as { MessageBody: string };
  const md5 = createHash('md5').update(MessageBody).digest('hex');
  return { status: 200, body: JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5 }) };
};
const xmlError = (status: number, code: string, wrapper = true): Answer => ({
  status,
  headers: { 'content-type': 'text/xml' },
  body: wrapper
    ? `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>slow down</Message></Error><RequestId>r</RequestId></ErrorResponse>`
    : `<Error><Code>${code}</Code><Message>slow down</Message><RequestId>r</RequestId></Error>`,
});
const snsPublished: Answer = {
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body: '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>',
};

describe('the retry policy of the AWS clients', () => {
  it.each(['ThrottlingException', 'RequestThrottled'])(
    'retries an SQS send throttled with %s until it is accepted',
    async (code) => {
      const { attempts, requestHandler } = scripted([sqsError(code), sqsError(code)], sqsSent);
      const sqs = new SQSClient({ ...common, requestHandler });

      const sent = await sqs.send(
        new SendMessageCommand({ QueueUrl: 'https://sqs.eu-west-2.amazonaws.com/1/q', MessageBody: 'm' }),
      );

      expect(sent.MessageId).toBe('m-1');
      expect(attempts).toEqual(['attempt=1; max=5', 'attempt=2; max=5', 'attempt=3; max=5']);
    },
  );

  it('retries an SNS publish throttled with ThrottlingException until it is accepted', async () => {
    const { attempts, requestHandler } = scripted(
      [xmlError(400, 'Throttling'), xmlError(400, 'ThrottlingException')],
      () => snsPublished,
    );
    const sns = new SNSClient({ ...common, requestHandler });

    const published = await sns.send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-2:1:t', Message: 'm' }),
    );

    expect(published.MessageId).toBe('m-1');
    expect(attempts).toHaveLength(3);
  });

  it('retries an S3 put answered with SlowDown and a bare 503', async () => {
    const { attempts, requestHandler } = scripted(
      [xmlError(503, 'SlowDown', false), { status: 503 }],
      () => ({ status: 200, headers: { etag: '"e"' } }),
    );
    const s3 = new S3Client({ ...common, requestHandler });

    const put = await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'raw/a', Body: 'bytes' }));

    expect(put.ETag).toBe('"e"');
    expect(attempts).toHaveLength(3);
  });

  it('retries an S3 get answered with SlowDown and a bare 503, and returns the object', async () => {
    const { attempts, requestHandler } = scripted(
      [{ status: 503 }, xmlError(503, 'SlowDown', false)],
      () => ({
        status: 200,
        body: 'bytes',
      }),
    );
    const s3 = new S3Client({ ...common, requestHandler });

    const got = await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: 'raw/a' }));

    expect(await got.Body?.transformToString()).toBe('bytes');
    expect(attempts).toHaveLength(3);
  });

  it('gives up after five attempts, so a longer outage reaches the caller', async () => {
    const { attempts, requestHandler } = scripted(Array(6).fill({ status: 503 }), () => ({ status: 200 }));
    const s3 = new S3Client({ ...common, requestHandler });

    const get = s3.send(new GetObjectCommand({ Bucket: 'lake', Key: 'raw/a' }));

    await expect(get).rejects.toMatchObject({ $metadata: { httpStatusCode: 503, attempts: 5 } });
    expect(attempts).toHaveLength(5);
  });

  it.each([
    ['an expired token', 400, 'ExpiredToken'],
    ['KMS access denied on the bucket', 403, 'AccessDenied'],
  ])('does not retry %s, which no retry can fix', async (_what, status, code) => {
    const { attempts, requestHandler } = scripted([xmlError(status, code, false)], () => ({ status: 200 }));
    const s3 = new S3Client({ ...common, requestHandler });

    const put = s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'raw/a', Body: 'bytes' }));

    await expect(put).rejects.toMatchObject({ name: code });
    expect(attempts).toHaveLength(1);
  });

  it('is the policy of every client the platform creates', async () => {
    const clients = createAwsClients({ region: 'eu-west-2' });

    const policies = await Promise.all(
      [clients.sqs, clients.sns, clients.s3].map(async (client) => [
        await client.config.maxAttempts(),
        ((await client.config.retryStrategy()) as { mode?: string }).mode,
      ]),
    );

    expect(policies).toEqual([
      [5, 'standard'],
      [5, 'standard'],
      [5, 'standard'],
    ]);
  });
});

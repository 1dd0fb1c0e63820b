import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/** The AWS SDK clients a service uses, created once per process. */
export interface AwsClients {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
}

export interface AwsClientOptions {
  region: string;
  /** An emulator such as fauxqs; unset on AWS, where the SDK finds the endpoints (and honours AWS_ENDPOINT_URL). */
  endpoint?: string;
}

/**
 * The retry policy of every AWS client the platform makes, set explicitly rather than left to defaults: the SDK's
 * `standard` strategy retries throttling (`ThrottlingException`, `RequestThrottled`, S3's `SlowDown`), 5xx answers
 * and timeouts with exponential backoff and full jitter (100 ms base, 20 s cap); errors a retry cannot fix (access
 * denied, an expired token) fail at once and are left to the caller: a record is reported for redelivery.
 */
export const awsRetryConfig = { maxAttempts: 5, retryMode: 'standard' } as const;

/** Creates the clients. With an explicit endpoint, S3 uses path-style addressing, as emulators expect. */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL;
  const common = {
    region: options.region,
    ...awsRetryConfig,
    ...(endpoint ? { endpoint } : {}),
    ...(endpoint && !process.env.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  };
  return {
    sqs: new SQSClient(common),
    sns: new SNSClient(common),
    s3: new S3Client({ ...common, forcePathStyle: Boolean(endpoint) }),
  };
}

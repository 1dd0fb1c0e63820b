import type { SQSClient } from '@aws-sdk/client-sqs';
import { createAwsClients } from '@totes/runtime';
import { stateDirOf } from '../stack';
import { type PlatformFile, readPlatformFile } from './platform-file';

/** Where the operator commands act: the platform `pnpm start` runs here, or a stage on AWS. */
export interface OpsContext {
  readonly stage: string;
  readonly sqs: SQSClient;
  readonly running: PlatformFile | undefined;
  /** A line saying where the command acts, for the top of its output. */
  readonly describe: string;
  close(): void;
}

/**
 * With `--stage`, acts on that stage through AWS (or AWS_ENDPOINT_URL); without it, on the platform running on this
 * machine, whose endpoints `pnpm start` wrote to the state folder.
 */
export async function openOpsContext(options: { stage?: string | undefined }): Promise<OpsContext> {
  const running = options.stage ? undefined : await readPlatformFile(stateDirOf());
  const stage = options.stage ?? running?.stage ?? process.env.TOTES_STAGE ?? 'local';
  const region = running?.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const { sqs, sns, s3 } = createAwsClients({ region, endpoint: running?.awsEndpoint });
  sns.destroy();
  s3.destroy();
  return {
    stage,
    sqs,
    running,
    describe: running ? `stage ${stage} on this machine (pid ${running.pid})` : `stage ${stage} (${region})`,
    close: () => sqs.destroy(),
  };
}

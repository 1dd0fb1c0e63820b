import type { SQSClient } from '@aws-sdk/client-sqs';
import { createAwsClients } from '@totes/runtime';
import { CliError, CliErrorCode } from '../errors';
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
  if (!running && !options.stage && !process.env.TOTES_STAGE && !process.env.AWS_ENDPOINT_URL)
    refuseEveryRequest(sqs, nothingRunningHere);
  return {
    stage,
    sqs,
    running,
    describe: running ? `stage ${stage} on this machine (pid ${running.pid})` : `stage ${stage} (${region})`,
    close: () => sqs.destroy(),
  };
}

const nothingRunningHere =
  'no platform is running on this machine: start it with `npm start`, or pass --stage to read a stage on AWS';

/**
 * The local stage exists only while `pnpm start` runs. Without one and without `--stage`, the SDK would look for AWS
 * credentials (10–14 s with no cloud at hand) before failing on queues that cannot exist; say why at once instead.
 */
function refuseEveryRequest(sqs: SQSClient, why: string): void {
  sqs.middlewareStack.add(
    () => async () => {
      throw new CliError(CliErrorCode.notFound, why);
    },
    { step: 'initialize', name: 'refuseWithoutPlatform' },
  );
}

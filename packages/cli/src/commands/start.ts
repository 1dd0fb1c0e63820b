import { join } from 'node:path';
import { TopicName } from '@totes/model';
import { createAwsClients } from '@totes/runtime';
import { liveMutationKinds, MutationKind, mutateTotesys } from '@totes/totesys';
import { startPlatformDashboard } from '../dashboard';
import { writePlatformFile } from '../ops/platform-file';
import { type Platform, startPlatform } from '../platform';
import { createDeadLetterProgress, createDetectionProgress, identityLine, loadedLine } from '../progress';
import { type Environment, openEnvironment, stateDirOf } from '../stack';
import { untilStopSignal } from '../stop-signal';
import { waitForDrain } from '../wait-for-drain';

export interface StartOptions {
  seed: number;
  scale: number;
  intervalMs: number;
  /** Milliseconds between live mutations of the embedded totesys; none when undefined. */
  mutateEveryMs: number | undefined;
  /** Live mutations may delete rows too (`--mutate-deletes`); off by default, as totesys itself never deletes. */
  mutateDeletes?: boolean;
}

/**
 * `pnpm start`: boots the local stack, seeds totesys on first start, runs the five services and detects changes
 * continuously, printing a line per load. Ctrl-C stops detection, lets the queues drain and stops everything.
 */
export async function start(options: StartOptions): Promise<void> {
  const environment = await openEnvironment(options);
  const { config, stack, logger } = environment;
  const say = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)}  ${line}\n`);
  const platform = await startPlatform({
    config,
    awsEndpoint: stack.awsEndpoint,
    logger,
    freshQueues: stack.aws !== undefined,
    events: {
      onDetected: createDetectionProgress(say),
      onLoaded: (loaded) => say(loadedLine(loaded)),
    },
  });
  const identity = identityLine(platform.identity);
  if (identity) say(identity);
  say(
    `platform running (stage ${config.stage}); warehouse ${redactedDatabase(config.warehouseUrl)}; lake ${config.lakeUrl}`,
  );
  const removePlatformFile = await writePlatformFile(stateDirOf(), {
    pid: process.pid,
    stage: config.stage,
    region: config.region,
    startedAt: new Date().toISOString(),
    lakeUrl: config.lakeUrl,
    inboxUrl: config.inboxUrl,
    ...(stack.aws ? { awsEndpoint: stack.awsEndpoint } : {}),
    ...(stack.postgres && !process.env.TOTES_WAREHOUSE_URL ? { warehouseUrl: config.warehouseUrl } : {}),
    ...(stack.postgres && !process.env.TOTES_SOURCE_URL ? { sourceUrl: config.sourceUrl } : {}),
  });
  const dashboard = await startLocalDashboard(environment, platform, say);
  say(
    `detecting changes every ${options.intervalMs} ms. Ctrl-C stops. Operators: pnpm totes status | pnpm totes dlq list`,
  );
  say(
    `logs: ${process.env.TOTES_LOG === 'stdout' ? 'standard output' : join(stateDirOf(), 'logs', 'totes.log')}`,
  );
  const detector = platform.startDetector(options.intervalMs);
  const deadLetters = watchDeadLetters(platform, createDeadLetterProgress(say));
  const mutator =
    options.mutateEveryMs && stack.embeddedSource
      ? setInterval(() => {
          mutateTotesys(config.sourceUrl, {
            seed: Date.now(),
            count: 1,
            kinds: options.mutateDeletes
              ? [...liveMutationKinds, MutationKind.rowDeleted]
              : liveMutationKinds,
          }).catch((error) => logger.warn('live mutation failed', { error }));
        }, options.mutateEveryMs)
      : undefined;
  if (options.mutateEveryMs && !stack.embeddedSource)
    say('live mutations are off: the source is not the embedded totesys');

  await untilStopSignal(() => say('stopping already: draining the queues, then PostgreSQL…'));
  say('stopping: detection off, draining the queues…');
  clearInterval(mutator);
  deadLetters.stop();
  await detector.stop();
  await waitForDrain(platform, { timeoutMs: 30_000 }).catch((error) =>
    say(`not drained: ${(error as Error).message}`),
  );
  await dashboard?.stop();
  await platform.stop();
  await removePlatformFile();
  await stack.stop();
  say('stopped.');
}

/**
 * The dashboard of this platform, its address said on the terminal. A dashboard that cannot start (its port taken)
 * is said too, and the platform runs on without it.
 */
async function startLocalDashboard(
  environment: Environment,
  platform: Platform,
  say: (line: string) => void,
): Promise<{ stop(): Promise<void> } | undefined> {
  const { config, stack, logger } = environment;
  const clients = createAwsClients({ region: config.region, endpoint: stack.awsEndpoint });
  clients.s3.destroy();
  const release = () => {
    clients.sqs.destroy();
    clients.sns.destroy();
  };
  try {
    const dashboard = await startPlatformDashboard({
      stage: config.stage,
      warehouseUrl: config.warehouseUrl,
      sourceUrl: config.sourceUrl,
      warehouseSchema: config.warehouseSchema,
      stateSchema: config.stateSchema,
      sqs: clients.sqs,
      sns: clients.sns,
      topicArn: platform.endpoints.topics[TopicName.loadComplete],
      logger,
    });
    say(`dashboard: ${dashboard.url}`);
    return {
      stop: async () => {
        await dashboard.stop();
        release();
      },
    };
  } catch (error) {
    release();
    say(`dashboard not started: ${(error as Error).message}`);
    return undefined;
  }
}

/** Tells `report` the depth of every dead-letter queue every few seconds, one look at a time. */
function watchDeadLetters(
  platform: Platform,
  report: (depths: Readonly<Record<string, number>>) => void,
): { stop(): void } {
  let looking = false;
  const timer = setInterval(() => {
    if (looking) return;
    looking = true;
    platform
      .deadLetterDepths()
      .then(report)
      // A look that fails is no news; the next one tries again.
      .catch(() => {})
      .finally(() => {
        looking = false;
      });
  }, deadLetterLookMs);
  return { stop: () => clearInterval(timer) };
}

const deadLetterLookMs = 5_000;

function redactedDatabase(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port}${parsed.pathname}`;
}

import { ServiceName } from '@totes/model';
import { createLogger, isPermanent, type Logger, loadConfig } from '@totes/runtime';
import { CliError, CliErrorCode } from '../errors';
import { allServices, startPlatform } from '../platform';
import { untilStopSignal } from '../stop-signal';

export interface ServeOptions {
  /** The services this process runs; every one when empty. */
  services: readonly string[];
  /** The detection interval, when this process runs the change-detector; TOTES_DETECT_INTERVAL_MS otherwise. */
  intervalMs: number | undefined;
  /** How long a failed message stays hidden before it is tried again; 30 s by default. */
  visibilityTimeoutSeconds?: number | undefined;
  /** How long an extraction may run before the detector asks again; five minutes by default. */
  claimLeaseMs?: number | undefined;
}

/**
 * `totes serve`: runs chosen services, in this process, against the platform that env names (a running local stack
 * or real resources), the way one Lambda function runs one service. Start one process per service to see each
 * service's own memory and to kill and restart it alone. JSON logs go to standard output. A platform that cannot be
 * reached at start (the warehouse down, the endpoint not up yet) is tried again with backoff rather than given up on.
 * SIGINT or SIGTERM lets the messages in hand finish, then exits.
 */
export async function serve(options: ServeOptions): Promise<void> {
  const services = serviceNames(options.services);
  const config = loadConfig(process.env);
  const logger = createLogger({ services: services.join(',') });
  let stopping = false;
  const stopped = untilStopSignal().then(() => {
    stopping = true;
  });
  const platform = await untilStarted(
    logger,
    stopped,
    () => stopping,
    () =>
      startPlatform({
        config,
        awsEndpoint: process.env.AWS_ENDPOINT_URL,
        logger,
        services,
        ...(options.visibilityTimeoutSeconds === undefined
          ? {}
          : { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }),
        ...(options.claimLeaseMs === undefined ? {} : { claimLeaseMs: options.claimLeaseMs }),
      }),
  );
  if (!platform) return;
  const detector = services.includes(ServiceName.changeDetector)
    ? platform.startDetector(options.intervalMs ?? config.detectIntervalMs)
    : undefined;
  logger.info('serving', { services, stage: config.stage });
  await stopped;
  await detector?.stop();
  await platform.stop();
  logger.info('stopped', { services });
}

/**
 * Starts the platform, trying again after 1 s, 2 s, … up to 30 s between tries; undefined once told to stop. An
 * error that says retrying cannot help (a lake of another platform instance) is thrown at once. Exported for its
 * test: `totes serve` itself runs only in child processes, which coverage does not see.
 */
export async function untilStarted<T>(
  logger: Logger,
  stopped: Promise<void>,
  isStopping: () => boolean,
  start: () => Promise<T>,
): Promise<T | undefined> {
  for (let attempt = 1; !isStopping(); attempt++) {
    try {
      return await start();
    } catch (error) {
      if (isPermanent(error)) throw error;
      const retryInMs = Math.min(30_000, 1000 * 2 ** (attempt - 1));
      logger.warn('cannot start yet; trying again', { attempt, retryInMs, error });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryInMs);
        void stopped.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  return undefined;
}

function serviceNames(given: readonly string[]): ServiceName[] {
  if (given.length === 0) return [...allServices];
  const unknown = given.filter((name) => !allServices.includes(name as ServiceName));
  if (unknown.length > 0)
    throw new CliError(
      CliErrorCode.usage,
      `unknown service ${unknown.map((name) => `"${name}"`).join(', ')}: expected one of ${allServices.join(', ')}`,
    );
  return [...new Set(given as ServiceName[])];
}

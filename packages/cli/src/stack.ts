import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type LocalStack, startLocalStack } from '@totes/local-stack';
import { createLogger, type Logger, loadConfig, type PlatformConfig } from '@totes/runtime';
import { isSeeded, seedTotesys } from '@totes/totesys';

/** The folder that holds the local stack's state across restarts. */
export function stateDirOf(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return resolve(env.TOTES_STATE_DIR ?? '.totes');
}

/** The local stack and the config that points at it. */
export interface Environment {
  readonly stack: LocalStack;
  readonly config: PlatformConfig;
  readonly logger: Logger;
}

/**
 * Boots what env does not point elsewhere and seeds the embedded totesys on first start. A source named by
 * TOTES_SOURCE_URL is never written to.
 */
export async function openEnvironment(options: {
  seed: number;
  scale: number;
  logger?: Logger;
  /** Seed an empty embedded totesys (the default); a read-only command says no. */
  seedIfEmpty?: boolean;
}): Promise<Environment> {
  const logger = options.logger ?? (await fileLogger());
  const stack = await startLocalStack({ stateDir: stateDirOf() });
  try {
    const config = loadConfig(process.env, {
      sourceUrl: stack.sourceUrl,
      warehouseUrl: stack.warehouseUrl,
      lakeUrl: stack.lakeUrl,
    });
    if (options.seedIfEmpty !== false && stack.embeddedSource && !(await isSeeded(config.sourceUrl))) {
      logger.info('seeding the embedded totesys', { seed: options.seed, scale: options.scale });
      await seedTotesys(config.sourceUrl, { seed: options.seed, scale: options.scale });
    }
    return { stack, config, logger };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/**
 * The platform's JSON log lines go to `<state>/logs/totes.log`, so the terminal shows the progress a person follows;
 * TOTES_LOG=stdout sends them to standard output instead (containers, CI).
 */
async function fileLogger(): Promise<Logger> {
  if (process.env.TOTES_LOG === 'stdout') return createLogger();
  const folder = join(stateDirOf(), 'logs');
  await mkdir(folder, { recursive: true });
  const stream = createWriteStream(join(folder, 'totes.log'), { flags: 'a' });
  // A log file that cannot be written (a full disk) loses its lines; it never stops the platform or its drain.
  stream.on('error', () => {});
  return createLogger({}, { write: (line) => stream.write(`${line}\n`) });
}

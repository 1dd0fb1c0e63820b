import { CliError, CliErrorCode } from './errors';
import type { Platform } from './platform';

/**
 * Waits until every queue is empty and no service holds a message, twice in a row (a message between two queues is
 * briefly on neither). Fails when a message is dead-lettered meanwhile, or when the time runs out.
 */
export async function waitForDrain(
  platform: Platform,
  options: { timeoutMs: number; pollMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const { deadLettered: before } = await platform.queueDepths();
  let quietPolls = 0;
  while (quietPolls < 2) {
    if (Date.now() > deadline) {
      throw new CliError(
        CliErrorCode.runTimedOut,
        `the run did not finish within ${options.timeoutMs / 1000} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 150));
    const { pending, deadLettered } = await platform.queueDepths();
    if (deadLettered > before) {
      throw new CliError(
        CliErrorCode.runFailed,
        `${deadLettered - before} message(s) were dead-lettered during the run; 'totes dlq list' and 'totes dlq show <queue>' say why`,
      );
    }
    quietPolls = pending === 0 ? quietPolls + 1 : 0;
  }
}

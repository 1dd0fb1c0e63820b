/** How a `continuous` detector invocation paces its cycles. */
export interface DetectionLoopOptions<T> {
  /** One detection cycle. A cycle that throws ends the loop: the next minute's invocation starts afresh. */
  readonly cycle: () => Promise<T>;
  /** How often a cycle starts; a cycle longer than this is followed by the next at once. */
  readonly intervalMs: number;
  /** The time this invocation has left: the Lambda context's `getRemainingTimeInMillis`. */
  readonly remainingMs: () => number;
  /** The time kept free at the end besides the longest cycle seen, so the invocation ends before its timeout. */
  readonly reserveMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** The reserve kept after the last cycle: time to return and flush the logs and metrics. */
export const defaultLoopReserveMs = 2000;

/**
 * Runs detection cycles every `intervalMs` for as long as another one surely fits: a cycle starts only if the time
 * left after waiting for it still holds the longest cycle seen so far plus the reserve. With the detector's timeout
 * capped at the schedule's minute since the invocation began (the entry's `remainingMs`), the loop so ends just before
the next invocation starts. Returns each cycle's result.
 */
export async function runDetectionLoop<T>(options: DetectionLoopOptions<T>): Promise<T[]> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const reserveMs = options.reserveMs ?? defaultLoopReserveMs;
  const results: T[] = [];
  let longestMs = 0;
  for (;;) {
    const started = now();
    results.push(await options.cycle());
    const tookMs = now() - started;
    longestMs = Math.max(longestMs, tookMs);
    const waitMs = Math.max(0, options.intervalMs - tookMs);
    if (options.remainingMs() - waitMs < longestMs + reserveMs) return results;
    await sleep(waitMs);
  }
}

/** One try at the detector's lock: the work done under it, or word that another invocation holds it. */
export type LockTry<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };

/**
 * Tries the lock every `intervalMs` for as long as a cycle could still follow: a `continuous` invocation that
 * started while the previous one was finishing its minute takes over when that one lets go, instead of leaving
 * the rest of its minute without detection. Gives up, reporting the lock held, when no time for a cycle is left.
 */
export async function whenLockFree<T>(
  tryLock: () => Promise<LockTry<T>>,
  options: Pick<DetectionLoopOptions<T>, 'intervalMs' | 'remainingMs' | 'reserveMs' | 'sleep'>,
): Promise<LockTry<T>> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const reserveMs = options.reserveMs ?? defaultLoopReserveMs;
  for (;;) {
    const outcome = await tryLock();
    if (outcome.acquired || options.remainingMs() - options.intervalMs < reserveMs) return outcome;
    await sleep(options.intervalMs);
  }
}

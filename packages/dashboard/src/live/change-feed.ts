/** Tells every open page which models (or the health key) just changed, a burst of loads as one message. */
export interface ChangeFeed {
  /** Announces these keys; keys announced within the coalescing window go out together. */
  publish(keys: Iterable<string>): void;
  /**
   * Calls `listener` with each announcement until the returned function is called. `watchesHealth`: the page shows
   * the platform's health, which the dashboard then reads every few seconds for changes no event announces.
   */
  subscribe(listener: (keys: readonly string[]) => void, options?: { watchesHealth?: boolean }): () => void;
  /** How many pages are listening; with `watchingHealth`, only those that show the platform's health. */
  listeners(options?: { watchingHealth?: boolean }): number;
  stop(): void;
}

/**
 * A change feed that gathers the keys announced within `coalesceMs` into one message: a run loads several models
 * within milliseconds, and a page should fetch each of its panels once for them, not once per model.
 */
export function createChangeFeed(options: { coalesceMs?: number } = {}): ChangeFeed {
  const listeners = new Map<(keys: readonly string[]) => void, boolean>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const keys = [...pending].sort();
    pending.clear();
    for (const listener of listeners.keys()) listener(keys);
  };
  return {
    publish(keys) {
      for (const key of keys) pending.add(key);
      if (pending.size > 0 && !timer) timer = setTimeout(flush, options.coalesceMs ?? 100);
    },
    subscribe(listener, options = {}) {
      // One entry per subscription, however often the same function subscribes.
      const own = (keys: readonly string[]) => listener(keys);
      listeners.set(own, options.watchesHealth ?? false);
      return () => listeners.delete(own);
    },
    listeners: (options = {}) =>
      options.watchingHealth ? [...listeners.values()].filter(Boolean).length : listeners.size,
    stop() {
      clearTimeout(timer);
      listeners.clear();
    },
  };
}

/** Tells every open page which models (or the health key) just changed, a burst of loads as one message. */
export interface ChangeFeed {
  /** Announces these keys; keys announced within the coalescing window go out together. */
  publish(keys: Iterable<string>): void;
  /** Calls `listener` with each announcement until the returned function is called. */
  subscribe(listener: (keys: readonly string[]) => void): () => void;
  /** How many pages are listening. */
  listeners(): number;
  stop(): void;
}

/**
 * A change feed that gathers the keys announced within `coalesceMs` into one message: a run loads several models
 * within milliseconds, and a page should fetch each of its panels once for them, not once per model.
 */
export function createChangeFeed(options: { coalesceMs?: number } = {}): ChangeFeed {
  const listeners = new Set<(keys: readonly string[]) => void>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const keys = [...pending].sort();
    pending.clear();
    for (const listener of listeners) listener(keys);
  };
  return {
    publish(keys) {
      for (const key of keys) pending.add(key);
      if (pending.size > 0 && !timer) timer = setTimeout(flush, options.coalesceMs ?? 100);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    listeners: () => listeners.size,
    stop() {
      clearTimeout(timer);
      listeners.clear();
    },
  };
}

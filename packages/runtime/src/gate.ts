/** Lets at most `width` pieces of work run at once; the others wait, first come first served. */
export interface Gate {
  /** Runs `work` once a place is free, and frees it when `work` settles. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Waits for a place and returns what frees it: for work that is not one promise (a stream being read). */
  enter(): Promise<() => void>;
}

/**
 * A gate of `width` places, to bound what a process holds at once by the gate's width rather than by how many
 * messages happen to be under way: the loader's transactions, the extractor's Parquet readers.
 */
export function createGate(width: number): Gate {
  const places = Math.max(1, width);
  let running = 0;
  const waiting: (() => void)[] = [];
  const leave = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  const enter = async (): Promise<() => void> => {
    if (running < places) running++;
    // The place is handed over by the one leaving, so `running` does not change.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    let left = false;
    return () => {
      if (left) return;
      left = true;
      leave();
    };
  };
  return {
    enter,
    async run(work) {
      const exit = await enter();
      try {
        return await work();
      } finally {
        exit();
      }
    },
  };
}

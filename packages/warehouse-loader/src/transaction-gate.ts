/** Lets at most `width` pieces of work run at once; the others wait, first come first served. */
export interface TransactionGate {
  run<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * A gate of `width` places. The loader passes every load transaction through one, process-wide, so the parts in
 * hand (a part's bytes, its decoded columns and its COPY tuples, a few MB each) are bounded by the gate's width,
 * not by how many messages and chunks happen to be under way at once.
 */
export function createTransactionGate(width: number): TransactionGate {
  const places = Math.max(1, width);
  let running = 0;
  const waiting: (() => void)[] = [];
  const enter = async () => {
    if (running < places) {
      running++;
      return;
    }
    // The place is handed over by the one leaving, so `running` does not change.
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const leave = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    async run(work) {
      await enter();
      try {
        return await work();
      } finally {
        leave();
      }
    },
  };
}

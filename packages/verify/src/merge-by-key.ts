import { VerifyError, VerifyErrorCode } from './errors';
import { compareKeys, type Key } from './values';

/** The rows of both sides that share one key; either side may be empty, and may hold several rows. */
export interface KeyGroup<S, W> {
  readonly key: Key;
  readonly source: readonly S[];
  readonly warehouse: readonly W[];
}

interface Run<T> {
  readonly key: Key;
  readonly items: T[];
}

/** Runs of consecutive items with equal keys; throws when a key is smaller than the one before it. */
async function* runsOf<T>(
  batches: AsyncIterable<readonly T[]>,
  keyOf: (item: T) => Key,
  side: string,
): AsyncGenerator<Run<T>> {
  let current: Run<T> | undefined;
  for await (const batch of batches) {
    for (const item of batch) {
      const key = keyOf(item);
      if (current && compareKeys(key, current.key) === 0) {
        current.items.push(item);
        continue;
      }
      if (current) {
        if (compareKeys(key, current.key) < 0) {
          throw new VerifyError(
            VerifyErrorCode.unorderedRows,
            `the ${side} rows are not in key order: ${String(key)} came after ${String(current.key)}`,
          );
        }
        yield current;
      }
      current = { key, items: [item] };
    }
  }
  if (current) yield current;
}

/**
 * Merges two streams of row batches, each ordered by key, into one group per key: a merge join in TypeScript, so
 * two databases can be compared while memory holds one batch of each and one key's rows.
 */
export async function* mergeByKey<S, W>(
  source: AsyncIterable<readonly S[]>,
  sourceKey: (row: S) => Key,
  warehouse: AsyncIterable<readonly W[]>,
  warehouseKey: (row: W) => Key,
): AsyncGenerator<KeyGroup<S, W>> {
  const left = runsOf(source, sourceKey, 'source');
  const right = runsOf(warehouse, warehouseKey, 'warehouse');
  try {
    let a = await left.next();
    let b = await right.next();
    while (!a.done || !b.done) {
      const order = a.done ? 1 : b.done ? -1 : compareKeys(a.value.key, b.value.key);
      if (order < 0 && !a.done) {
        yield { key: a.value.key, source: a.value.items, warehouse: [] };
        a = await left.next();
      } else if (order > 0 && !b.done) {
        yield { key: b.value.key, source: [], warehouse: b.value.items };
        b = await right.next();
      } else if (!a.done && !b.done) {
        yield { key: a.value.key, source: a.value.items, warehouse: b.value.items };
        [a, b] = await Promise.all([left.next(), right.next()]);
      }
    }
  } finally {
    // Stopping early (a failure, or a consumer that breaks) closes both streams, and with them their cursors.
    await Promise.allSettled([left.return(undefined), right.return(undefined)]);
  }
}

/**
 * Splits the pending parts of a dataset (ascending indexes) into contiguous chunks, one transaction each: as many
 * as `parallelism` when that keeps each at most `maxPartsPerTransaction` parts, more (of that size) otherwise, so a
 * crash loses at most a few chunks' work and no transaction stages the whole of a large dataset.
 */
export function partChunks(
  pending: readonly number[],
  parallelism: number,
  maxPartsPerTransaction: number,
): number[][] {
  if (pending.length === 0) return [];
  const size = Math.max(1, Math.min(maxPartsPerTransaction, Math.ceil(pending.length / parallelism)));
  const chunks: number[][] = [];
  for (let start = 0; start < pending.length; start += size) chunks.push(pending.slice(start, start + size));
  return chunks;
}

/**
 * Runs `work` over `items`, at most `width` at a time, in order of the items. After the first failure no item is
 * started; those under way are let finish (their work is committed or rolled back whole), then that failure is
 * thrown.
 */
export async function runPool<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
  if (failure) throw failure.error;
}

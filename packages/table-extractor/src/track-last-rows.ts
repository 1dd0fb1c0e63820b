import type { Watermark } from '@totes/contracts';
import type { SourceTable } from '@totes/model';
import {
  type ColumnBatch,
  formatTimestamp,
  int32Reader,
  type LakeVector,
  parseTimestamp,
  timestampReader,
} from '@totes/runtime';

/**
 * Follows the batches as they stream past, in (last_updated, key) order, on their cursor and key columns only: the
 * last row stamped at or before the cap (the source's clock less the margin) is the new watermark, and the rows
 * within the safety margin below it are what the detector compares with later to spot a late commit. Only their
 * stamps are held, one count per distinct stamp, so memory follows the margin, not the window. Rows stamped after
 * the cap are written like the others, but the watermark stays below them until the clock passes them: a row
 * stamped in the future never hides the changes made before its stamp.
 */
export function trackLastRows(table: SourceTable, marginMs: number, capOf: () => string) {
  let last: Watermark | null = null;
  const margin = heldStamps();
  return {
    async *observe(batches: AsyncIterable<ColumnBatch>): AsyncGenerator<ColumnBatch> {
      for await (const batch of batches) {
        const stampAt = timestampReader(vectorOf(batch, table.cursor));
        // Rows come in order, so the rows at or before the cap are the batch's first `end`.
        const end = firstAfter(stampAt, 0, batch.length, epochMsOf(capOf()));
        if (end > 0) {
          const lastMs = stampAt(end - 1);
          last = {
            lastUpdated: formatTimestamp(lastMs) as string,
            id: int32Reader(vectorOf(batch, table.primaryKey))(end - 1),
          };
          const floor = lastMs - marginMs;
          margin.dropUpTo(floor);
          for (let index = firstAfter(stampAt, 0, end, floor); index < end; index++)
            margin.add(stampAt(index));
        }
        yield batch;
      }
    },
    lastRow: () => last,
    marginRows: () => margin.rows(),
  };
}

/** The stamps of the rows within the margin, oldest first, as runs of one stamp and its count of rows. */
function heldStamps() {
  const stamps: number[] = [];
  const counts: number[] = [];
  let head = 0;
  let rows = 0;
  return {
    add(stamp: number): void {
      if (stamps.length > head && stamps[stamps.length - 1] === stamp) counts[counts.length - 1]! += 1;
      else {
        stamps.push(stamp);
        counts.push(1);
      }
      rows += 1;
    },
    dropUpTo(floor: number): void {
      while (head < stamps.length && (stamps[head] as number) <= floor) rows -= counts[head++] as number;
      if (head > 4096) {
        stamps.splice(0, head);
        counts.splice(0, head);
        head = 0;
      }
    },
    rows: () => rows,
  };
}

// The first index in [from, to) whose stamp is after `ms` (rows are in stamp order), or `to`.
function firstAfter(stampAt: (index: number) => number, from: number, to: number, ms: number): number {
  let low = from;
  let high = to;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (stampAt(middle) <= ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

function vectorOf(batch: ColumnBatch, name: string): NonNullable<LakeVector['data']> {
  const data = batch.columns.find((vector) => vector.column.name === name)?.data;
  if (!data) throw new Error(`the window's batches lack column ${name}`);
  return data;
}

// The cap is a canonical lake timestamp, as the source reports it.
function epochMsOf(timestamp: string): number {
  return parseTimestamp(timestamp) ?? Date.parse(`${timestamp}Z`);
}

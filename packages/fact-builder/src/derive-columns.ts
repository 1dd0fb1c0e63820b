import {
  deletedAtColumn,
  deriveValue,
  type FactModel,
  type LakeColumn,
  processedColumnsOf,
  type WarehouseColumn,
} from '@totes/model';
import { type ColumnBatch, columnBatchOf, type LakeVector, parseDate, rowsOf } from '@totes/runtime';
import { type Data, DateDay, makeData, TimeMillisecond } from 'apache-arrow';

const msPerDay = 86_400_000;
const twoTo32 = 2 ** 32;

/**
 * A fact's processed columns derived from a batch of its primary table's raw columns, column by column: the same
 * values as `deriveFactRow` gives row by row, with no object per row. A copied column is the raw column's data
 * itself; the day and the time of a timestamp are computed from its milliseconds; a source date held as text is
 * parsed from its bytes. `_deleted_at` is the raw row's (set on a tombstone).
 */
export function deriveFactColumns(fact: FactModel, batch: ColumnBatch): ColumnBatch {
  const raw = new Map(batch.columns.map((vector) => [vector.column.name, vector]));
  const derived = new Map(fact.columns.map((column) => [column.name, column]));
  return {
    length: batch.length,
    columns: processedColumnsOf(fact).map((lake): LakeVector => {
      const declared = derived.get(lake.name);
      const data = declared
        ? deriveData(fact, declared, lake, raw, batch.length)
        : (raw.get(deletedAtColumn)?.data ?? null);
      return { column: lake, data };
    }),
  };
}

function deriveData(
  fact: FactModel,
  column: WarehouseColumn,
  lake: LakeColumn,
  raw: ReadonlyMap<string, LakeVector>,
  length: number,
): Data | null {
  const derive = column.derive;
  if (derive.kind === 'calendar') return null; // never a fact's
  const source = raw.get(derive.from.slice(derive.from.indexOf('.') + 1));
  if (!source?.data) return null;
  switch (derive.kind) {
    case 'copy':
      return source.data;
    case 'datePart':
    case 'timePart':
      return splitTimestamp(source.data, derive.kind);
    case 'parseDate':
      return parsedDates(source.data) ?? throughRows(fact, column, lake, source, length);
    default:
      return throughRows(fact, column, lake, source, length);
  }
}

// The day (days since 1970-01-01) or the time of day (milliseconds) of each timestamp: the date and time parts of
// its `YYYY-MM-DDTHH:MM:SS.mmm` text, as integers.
function splitTimestamp(data: Data, part: 'datePart' | 'timePart'): Data {
  const values = data.values as BigInt64Array;
  const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const out = new Int32Array(data.length);
  for (let index = 0; index < data.length; index++) {
    const at = 2 * (data.offset + index);
    const ms = (halves[at + 1] as number) * twoTo32 + ((halves[at] as number) >>> 0);
    const day = Math.floor(ms / msPerDay);
    out[index] = part === 'datePart' ? day : ms - day * msPerDay;
  }
  return withValues(data, part === 'datePart' ? new DateDay() : new TimeMillisecond(), out);
}

// Source dates held as canonical `YYYY-MM-DD` text, parsed from their bytes; undefined when one is not (padded,
// or not a date), for the row path to trim it or refuse it naming the column.
function parsedDates(data: Data): Data | undefined {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(data.length);
  for (let index = 0; index < data.length; index++) {
    const at = data.offset + index;
    if (data.nullCount > 0 && (data.nullBitmap![at >> 3]! & (1 << (at & 7))) === 0) continue;
    const from = offsets[at] as number;
    const to = offsets[at + 1] as number;
    const day = to - from === 10 ? parseDate(text.toString('latin1', from, to)) : undefined;
    if (day === undefined) return undefined;
    out[index] = day;
  }
  return withValues(data, new DateDay(), out);
}

// Values of another type with the source's nulls.
function withValues(data: Data, type: DateDay | TimeMillisecond, values: Int32Array): Data {
  return makeData({
    type,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    data: values,
  } as never);
}

// The model's row derivation, value by value: for any other derivation (none of a fact's today), and for source
// dates that are not canonical text.
function throughRows(
  fact: FactModel,
  column: WarehouseColumn,
  lake: LakeColumn,
  source: LakeVector,
  length: number,
): Data | null {
  const rows = rowsOf({ length, columns: [source] }).map((row) => ({
    [lake.name]: deriveValue(column.derive, { [fact.primaryTable]: row }),
  }));
  return columnBatchOf([lake], rows).columns[0]?.data ?? null;
}

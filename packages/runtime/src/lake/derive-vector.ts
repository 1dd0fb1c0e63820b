import { type Derivation, deriveValue, type LakeColumn, tableOf } from '@totes/model';
import { type Data, DateDay, makeData, TimeMillisecond } from 'apache-arrow';
import { type LakeVector, rowsOf } from './column-batch';
import { parseDate } from './lake-values';
import { columnBatchOf } from './parquet-codec';

const msPerDay = 86_400_000;
const twoTo32 = 2 ** 32;

/**
 * One model derivation computed over a whole column: the same values as the model's `deriveValue` gives row by
 * row, with no object per row where the derivation has a columnar form. A copy is the source column's data itself;
 * the day and the time of a timestamp are computed from its milliseconds; a source date held as text is parsed from
 * its bytes. Any other derivation, and source dates that are not canonical text, are derived value by value through
 * the model. Null when the source column is absent (every value null). Shared by the fact and dimension builders.
 *
 * @param lake the derived column, as the processed zone declares it.
 * @throws {@link ModelError} when a value cannot be derived (a source date that is not a date), as the row path.
 */
export function deriveVector(
  derive: Derivation,
  lake: LakeColumn,
  source: LakeVector | undefined,
  length: number,
): Data | null {
  if (!source?.data || derive.kind === 'calendar') return null; // a calendar part is derived from a date
  switch (derive.kind) {
    case 'copy':
      return source.data;
    case 'datePart':
    case 'timePart':
      return splitTimestamp(source.data, derive.kind);
    case 'parseDate':
      return parsedDates(source.data) ?? byValue(derive, lake, source, length);
    default:
      return byValue(derive, lake, source, length);
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
// or not a date), for the model to trim it or refuse it naming the column. A few thousand distinct days recur
// across a batch: each is read as the number YYYYMMDD from its bytes and parsed once, so no value becomes a string.
function parsedDates(data: Data): Data | undefined {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const out = new Int32Array(data.length);
  const days = new Map<number, number | undefined>();
  for (let index = 0; index < data.length; index++) {
    const at = data.offset + index;
    if (data.nullCount > 0 && (data.nullBitmap![at >> 3]! & (1 << (at & 7))) === 0) continue;
    const from = offsets[at] as number;
    const key = offsets[at + 1]! - from === 10 ? dateKey(bytes, from) : -1;
    if (key < 0) return undefined;
    let day = days.get(key);
    if (day === undefined && !days.has(key)) {
      day = parseDate(Buffer.from(bytes.buffer, bytes.byteOffset + from, 10).toString('latin1'));
      days.set(key, day);
    }
    if (day === undefined) return undefined;
    out[index] = day;
  }
  return withValues(data, new DateDay(), out);
}

// The ten bytes `YYYY-MM-DD` at `from` as the number YYYYMMDD; -1 when they are not digits and dashes so placed.
function dateKey(bytes: Uint8Array, from: number): number {
  let key = 0;
  for (let index = 0; index < 10; index++) {
    const byte = bytes[from + index] as number;
    if (index === 4 || index === 7) {
      if (byte !== 45) return -1;
      continue;
    }
    if (byte < 48 || byte > 57) return -1;
    key = key * 10 + byte - 48;
  }
  return key;
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

// The model's row derivation, value by value: for a derivation with no columnar form (a currency's name), and for
// source dates that are not canonical text.
function byValue(
  derive: Extract<Derivation, { from: unknown }>,
  lake: LakeColumn,
  source: LakeVector,
  length: number,
): Data | null {
  const table = tableOf(derive.from);
  const rows = rowsOf({ length, columns: [source] }).map((row) => ({
    [lake.name]: deriveValue(derive, { [table]: row }),
  }));
  return columnBatchOf([lake], rows).columns[0]?.data ?? null;
}

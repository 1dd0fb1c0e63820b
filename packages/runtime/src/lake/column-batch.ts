import type { LakeColumn, LakeValue, Row } from '@totes/model';
import { type Data, type Decimal, Type } from 'apache-arrow';
import { readDecimal } from './lake-decimals';
import { formatDate, formatTime, formatTimestamp } from './lake-values';

const twoTo32 = 2 ** 32;

/**
 * One column of a {@link ColumnBatch}: its declaration and its values as Arrow data (values, validity bitmap, UTF-8
 * bytes and offsets). `data` is null for a column the part was written without (`absentAsNull`): every value is
 * null. Values have been checked on decoding: no null in a non-nullable column, every date, time and timestamp
 * within the years 0000–9999. Its offset is 0 (decoding refuses any other), so readers index its buffers from
 * their start; Arrow's `Data.slice` is for writing parts only.
 */
export interface LakeVector {
  readonly column: LakeColumn;
  readonly data: Data | null;
}

/**
 * Rows as columns: a row count and one {@link LakeVector} per column asked for, in that order, each `length`
 * values long. Nothing is an object per row.
 */
export interface ColumnBatch {
  readonly length: number;
  readonly columns: readonly LakeVector[];
}

/** Whether the value at `index` of `data` is not null. */
export function isValidAt(data: Data, index: number): boolean {
  if (data.nullCount === 0) return true;
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0) return true;
  const bit = data.offset + index;
  return (bitmap[bit >> 3]! & (1 << (bit & 7))) !== 0;
}

/** Reads the raw values of an int32, date or time column: the integer, days or milliseconds at an index. */
export function int32Reader(data: Data): (index: number) => number {
  const values = data.values as Int32Array;
  const offset = data.offset;
  return (index) => values[offset + index] as number;
}

/** Reads a timestamp column's values as epoch milliseconds, from their int64 halves: no BigInt per value. */
export function timestampReader(data: Data): (index: number) => number {
  const values = data.values as BigInt64Array;
  const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const offset = data.offset;
  return (index) => {
    const at = 2 * (offset + index);
    return (halves[at + 1] as number) * twoTo32 + ((halves[at] as number) >>> 0);
  };
}

/** The batch as one object per row, in memory form (the row path the dimension-builder still uses). */
export function rowsOf(batch: ColumnBatch): Row[] {
  const rows: Row[] = Array.from({ length: batch.length }, () => ({}));
  for (const { column, data } of batch.columns) {
    if (data) readColumn(column, data, rows);
    else for (const row of rows) row[column.name] = null;
  }
  return rows;
}

// Reads the buffers directly (values, validity, UTF-8 bytes and offsets) rather than through a vector's iterator.
// Values were checked when decoded, so every format succeeds.
function readColumn(column: LakeColumn, data: Data, rows: Row[]): void {
  const name = column.name;
  const { length, offset } = data;
  const set = (index: number, value: LakeValue) => {
    rows[index]![name] = isValidAt(data, index) ? value : null;
  };
  switch (data.typeId === Type.Decimal ? 'decimal128' : column.lake) {
    case 'int32':
    case 'date':
    case 'time': {
      const values = data.values as Int32Array;
      const format = column.lake === 'date' ? formatDate : column.lake === 'time' ? formatTime : undefined;
      for (let index = 0; index < length; index++) {
        const raw = values[offset + index] as number;
        set(index, format ? (format(raw) as string) : raw);
      }
      return;
    }
    case 'timestamp': {
      const msAt = timestampReader(data);
      for (let index = 0; index < length; index++) set(index, formatTimestamp(msAt(index)) as string);
      return;
    }
    case 'boolean': {
      const values = data.values as Uint8Array;
      for (let index = 0; index < length; index++) {
        const bit = offset + index;
        set(index, (values[bit >> 3]! & (1 << (bit & 7))) !== 0);
      }
      return;
    }
    case 'decimal128': {
      const words = data.values as Uint32Array;
      const scale = (data.type as Decimal).scale;
      for (let index = 0; index < length; index++) set(index, readDecimal(words, offset + index, scale));
      return;
    }
    case 'decimal': // parts written before decimals had a shape hold the text
    case 'string':
      readText(data, rows, name);
  }
}

// One UTF-8 decoding of the column's bytes; when they are all ASCII, each value is a slice of that one string.
function readText(data: Data, rows: Row[], name: string): void {
  const { length, offset } = data;
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const start = offsets[offset] as number;
  const end = offsets[offset + length] as number;
  const chunk = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  const text = chunk.toString('utf8');
  const ascii = text.length === chunk.length;
  for (let index = 0; index < length; index++) {
    if (!isValidAt(data, index)) {
      rows[index]![name] = null;
      continue;
    }
    const from = (offsets[offset + index] as number) - start;
    const to = (offsets[offset + index + 1] as number) - start;
    rows[index]![name] = ascii ? text.slice(from, to) : chunk.toString('utf8', from, to);
  }
}

import type { DecimalShape, LakeColumn } from '@totes/model';
import { type Data, makeData } from 'apache-arrow';
import { isDayInRange, isEpochMsInRange, isTimeInRange } from '../lake/lake-values';
import { arrowTypeOf } from '../lake/parquet-types';
import { pgEpochDay, pgEpochMs } from './copy-format';
import { readNumericDecimal128, readNumericText } from './numeric-binary';

/** How a column's values arrive in a binary COPY (the PostgreSQL type that sends them) and what the lake keeps. */
export const SourceForm = {
  /** `smallint`, read as a lake int32. */
  int2: 'int2',
  int4: 'int4',
  /** `numeric`, read as the Decimal128 of the column's shape. */
  decimal128: 'decimal128',
  /** `numeric` of a column with no decimal shape, read as its text. */
  decimalText: 'decimalText',
  /** `text`, `varchar`, `char` or an enum: UTF-8 bytes. */
  text: 'text',
  boolean: 'boolean',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
} as const;
export type SourceForm = (typeof SourceForm)[keyof typeof SourceForm];

const twoTo32 = 2 ** 32;
const noInts = new Int32Array(0);
const noWords = new Uint32Array(0);
const noBytes = new Uint8Array(0);

/**
 * One column of a batch as it is decoded: the Arrow buffers (values, validity bitmap, UTF-8 bytes and offsets) of
 * up to `capacity` rows, filled row by row straight from the COPY's bytes. A class with one switch per value, so
 * the per-value code stays monomorphic; the buffers a form does not use are empty.
 */
export class ColumnBuilder {
  private ints = noInts;
  private words = noWords;
  private bytes = noBytes;
  private offsets = noInts;
  private used = 0;
  private validity: Uint8Array | undefined;
  private nullCount = 0;

  constructor(
    readonly column: LakeColumn,
    readonly form: SourceForm,
    private readonly capacity: number,
  ) {
    this.reset();
  }

  /** Fresh buffers for the next batch: the last batch's are handed on with it. */
  reset(): void {
    const capacity = this.capacity;
    this.validity = undefined;
    this.nullCount = 0;
    switch (this.form) {
      case SourceForm.decimal128:
        this.words = new Uint32Array(4 * capacity);
        return;
      case SourceForm.boolean:
        this.bytes = new Uint8Array((capacity + 7) >> 3);
        return;
      case SourceForm.text:
      case SourceForm.decimalText:
        // A little larger than the last batch's text, so a table's later batches rarely grow it.
        this.bytes = new Uint8Array(this.used > 0 ? this.used + (this.used >> 3) : 8 * capacity);
        this.offsets = new Int32Array(capacity + 1);
        this.used = 0;
        return;
      case SourceForm.timestamp:
        this.ints = new Int32Array(2 * capacity); // int64 as two 32-bit halves: no BigInt per value
        return;
      default:
        this.ints = new Int32Array(capacity);
    }
  }

  /** Marks the value of `row` null. */
  setNull(row: number): void {
    if (!this.validity) this.validity = new Uint8Array((this.capacity + 7) >> 3).fill(0xff);
    this.validity[row >> 3]! &= ~(1 << (row & 7));
    this.nullCount++;
    if (this.form === SourceForm.text || this.form === SourceForm.decimalText)
      this.offsets[row + 1] = this.used;
  }

  /**
   * Reads the value of `row` from `chunk[at … at + length)`, its binary send form. Returns why it cannot, or
   * undefined when it was read.
   */
  set(row: number, chunk: Uint8Array, at: number, length: number): string | undefined {
    switch (this.form) {
      case SourceForm.int4:
        if (length !== 4) return lengthProblem(length, 4);
        this.ints[row] = readInt32(chunk, at);
        return undefined;
      case SourceForm.int2:
        if (length !== 2) return lengthProblem(length, 2);
        this.ints[row] = (((chunk[at] as number) << 24) | ((chunk[at + 1] as number) << 16)) >> 16;
        return undefined;
      case SourceForm.date: {
        if (length !== 4) return lengthProblem(length, 4);
        const days = readInt32(chunk, at) + pgEpochDay;
        if (!isDayInRange(days)) return 'is a date outside the years 0000-9999';
        this.ints[row] = days;
        return undefined;
      }
      case SourceForm.time: {
        if (length !== 8) return lengthProblem(length, 8);
        const ms = Math.floor((readInt32(chunk, at) * twoTo32 + readUint32(chunk, at + 4)) / 1000);
        if (!isTimeInRange(ms)) return 'is a time outside 00:00-24:00';
        this.ints[row] = ms;
        return undefined;
      }
      case SourceForm.timestamp:
        return length === 8 ? this.setTimestamp(row, chunk, at) : lengthProblem(length, 8);
      case SourceForm.boolean:
        if (length !== 1) return lengthProblem(length, 1);
        if (chunk[at] !== 0) this.bytes[row >> 3]! |= 1 << (row & 7);
        return undefined;
      case SourceForm.decimal128: {
        const shape = this.column.decimal as DecimalShape;
        if (readNumericDecimal128(chunk, at, length, shape, this.words, row)) return undefined;
        return `is NaN, infinite, or does not fit decimal(${shape.precision},${shape.scale})`;
      }
      case SourceForm.decimalText: {
        const text = readNumericText(chunk, at, length);
        if (text === undefined) return 'is NaN or infinite';
        this.room(text.length);
        for (let index = 0; index < text.length; index++) this.bytes[this.used++] = text.charCodeAt(index);
        this.offsets[row + 1] = this.used;
        return undefined;
      }
      case SourceForm.text:
        this.room(length);
        copyBytes(chunk, at, length, this.bytes, this.used);
        this.used += length;
        this.offsets[row + 1] = this.used;
        return undefined;
    }
  }

  /** The column's first `length` values as Arrow data of its lake type, as the row path would have built it. */
  finish(length: number): Data {
    const props = {
      type: arrowTypeOf(this.column),
      length,
      nullCount: this.nullCount,
      nullBitmap: this.nullCount > 0 ? this.validity?.subarray(0, (length + 7) >> 3) : undefined,
    };
    switch (this.form) {
      case SourceForm.decimal128:
        return makeData({ ...props, data: this.words.subarray(0, 4 * length) } as never);
      case SourceForm.boolean:
        return makeData({ ...props, data: this.bytes.subarray(0, (length + 7) >> 3) } as never);
      case SourceForm.text:
      case SourceForm.decimalText:
        return makeData({
          ...props,
          valueOffsets: this.offsets.subarray(0, length + 1),
          data: this.bytes.subarray(0, this.used),
        } as never);
      case SourceForm.timestamp:
        return makeData({ ...props, data: new BigInt64Array(this.ints.buffer, 0, length) } as never);
      default:
        return makeData({ ...props, data: this.ints.subarray(0, length) } as never);
    }
  }

  // Microseconds since 2000-01-01 to epoch milliseconds, floored as the text's fraction was cut to three digits.
  // Split at 2^32 = 1000 × 4 294 967 + 296, so that it is exact in doubles for any int64.
  private setTimestamp(row: number, chunk: Uint8Array, at: number): string | undefined {
    const high = readInt32(chunk, at);
    const low = readUint32(chunk, at + 4);
    const ms = high * 4_294_967 + Math.floor((high * 296 + low) / 1000) + pgEpochMs;
    if (!isEpochMsInRange(ms)) return 'is a timestamp outside the years 0000-9999';
    const upper = Math.floor(ms / twoTo32);
    this.ints[2 * row] = ms - upper * twoTo32;
    this.ints[2 * row + 1] = upper;
    return undefined;
  }

  // Grows the text bytes to hold `length` more.
  private room(length: number): void {
    if (this.used + length <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.used + length));
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
  }
}

function lengthProblem(length: number, expected: number): string {
  return `is ${length} bytes long, not ${expected}: the COPY stream is not what the column's type sends`;
}

/** The big-endian int32 at `at`. */
export function readInt32(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) << 24) |
    ((bytes[at + 1] as number) << 16) |
    ((bytes[at + 2] as number) << 8) |
    (bytes[at + 3] as number)
  );
}

function readUint32(bytes: Uint8Array, at: number): number {
  return readInt32(bytes, at) >>> 0;
}

// Short values byte by byte: cheaper than making a view for `set`.
function copyBytes(from: Uint8Array, at: number, length: number, to: Uint8Array, into: number): void {
  if (length > 32) {
    to.set(from.subarray(at, at + length), into);
    return;
  }
  for (let index = 0; index < length; index++) to[into + index] = from[at + index] as number;
}

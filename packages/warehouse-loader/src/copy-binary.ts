import type { LakeColumn } from '@totes/model';
import {
  type ColumnBatch,
  type LakeVector,
  maxDecimal128Bytes,
  maxTextNumericBytes,
  pgEpochDay,
  pgEpochMs,
  writeNumericDecimal128,
  writeNumericText,
} from '@totes/runtime';
import { type Decimal, Type } from 'apache-arrow';
import { MissingColumnError } from './errors';

// How each column's values are written; one small switch per value instead of a closure per column.
const Form = {
  nulls: 0,
  int32: 1,
  date: 2,
  time: 3,
  timestamp: 4,
  boolean: 5,
  decimal128: 6,
  decimalText: 7,
  text: 8,
} as const;
type Form = (typeof Form)[keyof typeof Form];

/**
 * A column's buffers, read once per batch. A class, so that every column has the same shape and the per-value
 * code stays monomorphic; the buffers a form does not use are empty.
 */
class Source {
  constructor(
    readonly form: Form,
    readonly offset = 0,
    /** The validity bitmap, empty when the column holds no null. */
    readonly validity: Uint8Array = noBytes,
    readonly ints: Int32Array = noInts,
    readonly words: Uint32Array = noWords,
    readonly bytes: Uint8Array = noBytes,
    readonly offsets: Int32Array = noInts,
    readonly scale = 0,
  ) {}
}

const noBytes = new Uint8Array(0);
const noInts = new Int32Array(0);
const noWords = new Uint32Array(0);

const twoTo32 = 2 ** 32;

/**
 * A column batch as COPY binary-format tuples (between the runtime's `copyBinaryHeader` and `copyBinaryTrailer`),
 * fields in the order of `columns`, built straight from the Arrow buffers: no object or string per value, no
 * number formatted as text for the server to parse again. Each value is PostgreSQL's binary form of its staging
 * type: `integer` and `date` as int32 (days since 2000-01-01), `time(3)` and `timestamp(3)` as int64 microseconds
 * (since midnight; since 2000-01-01), `boolean` as one byte, `numeric` as base-10000 digits with the decimal's
 * scale, text as its UTF-8 bytes, and null as length −1. The warehouse receives the same values as from the text
 * format, with one difference no real source can reach: a lake date in year 0000, which the text format refuses,
 * would load as 1 BC.
 *
 * @throws {@link MissingColumnError} when the batch does not hold one of `columns`.
 */
export function copyBinary(columns: readonly Pick<LakeColumn, 'name'>[], batch: ColumnBatch): Buffer {
  const sources = columns.map((column) => sourceOf(vectorOf(batch, column.name)));
  const out = Buffer.allocUnsafe(boundOf(sources, batch.length));
  let at = 0;
  for (let row = 0; row < batch.length; row++) {
    out[at] = sources.length >>> 8;
    out[at + 1] = sources.length;
    at += 2;
    for (let index = 0; index < sources.length; index++)
      at = writeField(out, at, sources[index] as Source, row);
  }
  return out.subarray(0, at);
}

function vectorOf(batch: ColumnBatch, name: string): LakeVector {
  const vector = batch.columns.find((candidate) => candidate.column.name === name);
  if (!vector) throw new MissingColumnError(name);
  return vector;
}

function sourceOf({ column, data }: LakeVector): Source {
  if (!data) return new Source(Form.nulls);
  const { offset } = data;
  const validity = data.nullCount > 0 && data.nullBitmap?.length ? data.nullBitmap : noBytes;
  if (data.type.typeId === Type.Decimal) {
    const scale = (data.type as Decimal).scale;
    return new Source(
      Form.decimal128,
      offset,
      validity,
      noInts,
      data.values as Uint32Array,
      noBytes,
      noInts,
      scale,
    );
  }
  switch (column.lake) {
    case 'int32':
    case 'date':
    case 'time':
      return new Source(Form[column.lake], offset, validity, data.values as Int32Array);
    case 'timestamp': {
      // Int64 little-endian, read as two 32-bit halves: no BigInt per value.
      const values = data.values as BigInt64Array;
      const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
      return new Source(Form.timestamp, offset, validity, halves);
    }
    case 'boolean':
      return new Source(Form.boolean, offset, validity, noInts, noWords, data.values as Uint8Array);
    case 'decimal': // a part written before decimals had a shape holds the text
    case 'string': {
      const form = column.lake === 'decimal' ? Form.decimalText : Form.text;
      const bytes = data.values as Uint8Array;
      return new Source(form, offset, validity, noInts, noWords, bytes, data.valueOffsets as Int32Array);
    }
  }
}

// The most bytes the batch can take: a field count per row, a length and the widest value per field. Allocated
// once, so the writers never check for room.
function boundOf(sources: readonly Source[], length: number): number {
  let bound = 2 * length;
  for (const source of sources) {
    bound += length * (4 + widthOf(source));
    if (source.form === Form.text || source.form === Form.decimalText) {
      const textBytes =
        (source.offsets[source.offset + length] as number) - (source.offsets[source.offset] as number);
      bound += source.form === Form.text ? textBytes : maxTextNumericBytes(length, textBytes);
    }
  }
  return Math.max(bound, 1);
}

function widthOf(source: Source): number {
  switch (source.form) {
    case Form.int32:
    case Form.date:
      return 4;
    case Form.time:
    case Form.timestamp:
      return 8;
    case Form.boolean:
      return 1;
    case Form.decimal128:
      return maxDecimal128Bytes;
    default:
      return 0; // nulls; text counted by its bytes
  }
}

function writeField(out: Buffer, at: number, source: Source, row: number): number {
  const index = source.offset + row;
  const validity = source.validity;
  if (
    source.form === Form.nulls ||
    (validity.length > 0 && (validity[index >> 3]! & (1 << (index & 7))) === 0)
  )
    return writeInt32(out, at, -1);
  switch (source.form) {
    case Form.int32:
      return writeInt32(out, writeInt32(out, at, 4), source.ints[index] as number);
    case Form.date:
      return writeInt32(out, writeInt32(out, at, 4), (source.ints[index] as number) - pgEpochDay);
    case Form.time:
      return writeInt64(out, writeInt32(out, at, 8), (source.ints[index] as number) * 1000);
    case Form.timestamp: {
      const ms =
        (source.ints[2 * index + 1] as number) * twoTo32 + ((source.ints[2 * index] as number) >>> 0);
      return writeMicros(out, writeInt32(out, at, 8), ms - pgEpochMs);
    }
    case Form.boolean:
      writeInt32(out, at, 1);
      out[at + 4] = (source.bytes[index >> 3]! >> (index & 7)) & 1;
      return at + 5;
    case Form.decimal128:
      return withLength(out, at, writeNumericDecimal128(out, at + 4, source.words, index, source.scale));
    case Form.decimalText: {
      const { bytes, offsets } = source;
      const end = writeNumericText(
        out,
        at + 4,
        bytes,
        offsets[index] as number,
        offsets[index + 1] as number,
      );
      return withLength(out, at, end);
    }
    default:
      return writeText(
        out,
        at,
        source.bytes,
        source.offsets[index] as number,
        source.offsets[index + 1] as number,
      );
  }
}

// A field's length, before a value of variable size written after it.
function withLength(out: Buffer, at: number, end: number): number {
  writeInt32(out, at, end - at - 4);
  return end;
}

function writeText(out: Buffer, at: number, bytes: Uint8Array, from: number, to: number): number {
  at = writeInt32(out, at, to - from);
  for (let index = from; index < to; index++) out[at++] = bytes[index] as number;
  return at;
}

function writeInt32(out: Buffer, at: number, value: number): number {
  out[at] = value >>> 24;
  out[at + 1] = value >>> 16;
  out[at + 2] = value >>> 8;
  out[at + 3] = value;
  return at + 4;
}

// A signed integer of magnitude below 2^53 as a big-endian int64.
function writeInt64(out: Buffer, at: number, value: number): number {
  const high = Math.floor(value / twoTo32);
  writeInt32(out, at, high | 0);
  return writeInt32(out, at + 4, value - high * twoTo32);
}

// Milliseconds since 2000-01-01 as microseconds: exact in a double within ±285 years of 2000, through BigInt beyond.
function writeMicros(out: Buffer, at: number, ms: number): number {
  const micros = ms * 1000;
  if (Number.isSafeInteger(micros)) return writeInt64(out, at, micros);
  out.writeBigInt64BE(BigInt(ms) * 1000n, at);
  return at + 8;
}

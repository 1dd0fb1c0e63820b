import type { LakeColumn } from '@totes/model';
import {
  type ColumnBatch,
  decimalTextBytes,
  type LakeVector,
  maxTextBytes,
  writeDateText,
  writeDecimalText,
  writeIntText,
  writeTimestampText,
  writeTimeText,
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
  text: 7,
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
const backslash = 92;
const tab = 9;
const newline = 10;
const carriageReturn = 13;

/**
 * A column batch as COPY text-format lines, in the order of `columns`, as UTF-8 bytes: built straight from the
 * Arrow buffers, with no object or string per value. The text is exactly what COPY's text format wants and what a
 * row of the same values would give: `\N` for null, `t`/`f`, integers and decimals as digits (a decimal with exactly
 * its scale's digits), dates `YYYY-MM-DD`, times `HH:MM:SS.mmm`, timestamps `YYYY-MM-DDTHH:MM:SS.mmm`, and text as
 * its own UTF-8 bytes with backslash, tab, newline and carriage return escaped.
 *
 * @throws {@link MissingColumnError} when the batch does not hold one of `columns`.
 */
export function copyText(columns: readonly Pick<LakeColumn, 'name'>[], batch: ColumnBatch): Buffer {
  const sources = columns.map((column) => sourceOf(vectorOf(batch, column.name)));
  const out = Buffer.allocUnsafe(boundOf(sources, batch.length));
  let at = 0;
  for (let row = 0; row < batch.length; row++) {
    for (let index = 0; index < sources.length; index++) {
      if (index > 0) out[at++] = tab;
      at = writeValue(out, at, sources[index] as Source, row);
    }
    out[at++] = newline;
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
    case 'decimal': // parts written before decimals had a shape hold the text
    case 'string': {
      const bytes = data.values as Uint8Array;
      return new Source(Form.text, offset, validity, noInts, noWords, bytes, data.valueOffsets as Int32Array);
    }
  }
}

// The most bytes the batch's text can take: each value at its widest (text with every byte escaped), a separator
// after each. Allocated once, so the writers never check for room.
function boundOf(sources: readonly Source[], length: number): number {
  let bound = 0;
  for (const source of sources) {
    bound += length * (widthOf(source) + 1);
    if (source.form === Form.text) {
      const first = source.offsets[source.offset] as number;
      bound += 2 * ((source.offsets[source.offset + length] as number) - first);
    }
  }
  return Math.max(bound, 1);
}

function widthOf(source: Source): number {
  switch (source.form) {
    case Form.nulls:
    case Form.text:
      return 2; // \N
    case Form.int32:
      return maxTextBytes.int32;
    case Form.date:
      return maxTextBytes.date;
    case Form.time:
      return maxTextBytes.time;
    case Form.timestamp:
      return maxTextBytes.timestamp;
    case Form.boolean:
      return maxTextBytes.boolean + 1;
    case Form.decimal128:
      return decimalTextBytes;
  }
}

const twoTo32 = 2 ** 32;

function writeValue(out: Buffer, at: number, source: Source, row: number): number {
  const index = source.offset + row;
  const validity = source.validity;
  if (
    source.form === Form.nulls ||
    (validity.length > 0 && (validity[index >> 3]! & (1 << (index & 7))) === 0)
  ) {
    out[at] = backslash;
    out[at + 1] = 78; // N
    return at + 2;
  }
  switch (source.form) {
    case Form.int32:
      return writeIntText(out, at, source.ints[index] as number);
    case Form.date:
      return writeDateText(out, at, source.ints[index] as number);
    case Form.time:
      return writeTimeText(out, at, source.ints[index] as number);
    case Form.timestamp: {
      const ms =
        (source.ints[2 * index + 1] as number) * twoTo32 + ((source.ints[2 * index] as number) >>> 0);
      return writeTimestampText(out, at, ms);
    }
    case Form.boolean:
      out[at] = (source.bytes[index >> 3]! & (1 << (index & 7))) !== 0 ? 116 /* t */ : 102; /* f */
      return at + 1;
    case Form.decimal128:
      return writeDecimalText(out, at, source.words, index, source.scale);
    default:
      return writeEscaped(
        out,
        at,
        source.bytes,
        source.offsets[index] as number,
        source.offsets[index + 1] as number,
      );
  }
}

// UTF-8 bytes as they are, but for the four that COPY's text format escapes; none of them can occur inside a
// multi-byte character, so no decoding is needed.
function writeEscaped(out: Buffer, at: number, bytes: Uint8Array, from: number, to: number): number {
  for (let index = from; index < to; index++) {
    const byte = bytes[index] as number;
    if (
      byte > backslash ||
      (byte !== backslash && byte !== tab && byte !== newline && byte !== carriageReturn)
    ) {
      out[at++] = byte;
      continue;
    }
    out[at++] = backslash;
    out[at++] = byte === backslash ? backslash : byte === tab ? 116 : byte === newline ? 110 : 114;
  }
  return at;
}

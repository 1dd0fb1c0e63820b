import type { LakeColumn, Row } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { UnreadableSourceValueError } from '../errors';
import { type ColumnBatch, rowsOf } from '../lake/column-batch';
import { SourceForm } from './column-builder';
import { CopyBinaryDecoder, type CopyColumn } from './copy-decoder';
import { copyBinaryHeader, copyBinaryTrailer } from './copy-format';
import { writeNumericText } from './numeric-binary';

// Fields in PostgreSQL's binary send forms, as a COPY … TO STDOUT (FORMAT binary) carries them.
const int4 = (value: number) => sized(4, (out) => out.writeInt32BE(value));
const int2 = (value: number) => sized(2, (out) => out.writeInt16BE(value));
const int8 = (value: bigint) => sized(8, (out) => out.writeBigInt64BE(value));
const text = (value: string) => Buffer.from(value, 'utf8');
const bool = (value: boolean) => Buffer.from([value ? 1 : 0]);
const pgEpochMicros = 946_684_800_000_000n;
const timestamp = (iso: string) => int8(BigInt(Date.parse(`${iso}Z`)) * 1000n - pgEpochMicros);
const date = (iso: string) => int4(Date.parse(`${iso}T00:00:00Z`) / 86_400_000 - 10_957);
const numeric = (decimal: string) => {
  const out = Buffer.alloc(64);
  const digits = Buffer.from(decimal, 'latin1');
  return out.subarray(0, writeNumericText(out, 0, digits, 0, digits.length));
};

function sized(length: number, write: (out: Buffer) => void): Buffer {
  const out = Buffer.alloc(length);
  write(out);
  return out;
}

function tuple(fields: readonly (Buffer | null)[]): Buffer {
  const parts = [sized(2, (out) => out.writeInt16BE(fields.length))];
  for (const field of fields) {
    parts.push(int4(field ? field.length : -1));
    if (field) parts.push(field);
  }
  return Buffer.concat(parts);
}

const copy = (tuples: readonly Buffer[]) => Buffer.concat([copyBinaryHeader, ...tuples, copyBinaryTrailer]);

const column = (name: string, lake: LakeColumn['lake'], extra: Partial<LakeColumn> = {}): LakeColumn => ({
  name,
  lake,
  nullable: true,
  ...extra,
});

const money = column('price', 'decimal', { decimal: { precision: 10, scale: 2 } });
const columns: CopyColumn[] = [
  { column: column('id', 'int32', { nullable: false }), form: SourceForm.int4 },
  { column: column('small', 'int32'), form: SourceForm.int2 },
  { column: column('name', 'string'), form: SourceForm.text },
  { column: money, form: SourceForm.decimal128 },
  { column: column('paid', 'boolean'), form: SourceForm.boolean },
  { column: column('day', 'date'), form: SourceForm.date },
  { column: column('at', 'time'), form: SourceForm.time },
  { column: column('stamp', 'timestamp'), form: SourceForm.timestamp },
];

const rows: Row[] = [
  {
    id: 1,
    small: -2,
    name: 'Tote ü',
    price: '12.30',
    paid: true,
    day: '2024-02-29',
    at: '09:30:00.120',
    stamp: '2024-11-15T09:30:00.123',
  },
  { id: 2, small: null, name: null, price: null, paid: null, day: null, at: null, stamp: null },
  {
    id: -3,
    small: 32_767,
    name: '',
    price: '-99999999.99',
    paid: false,
    day: '1969-12-31',
    at: '24:00:00.000',
    stamp: '1999-12-31T23:59:59.999',
  },
  {
    id: 4,
    small: 0,
    name: 'x'.repeat(100),
    price: '0.00',
    paid: true,
    day: '0001-01-01',
    at: '00:00:00.000',
    stamp: '9999-12-31T23:59:59.999',
  },
];

function fieldsOf(row: Row): (Buffer | null)[] {
  const microsOf = (time: string) => {
    const [hours, minutes, seconds] = time.split(':').map(Number) as [number, number, number];
    return int8(BigInt(Math.round(((hours * 60 + minutes) * 60 + seconds) * 1000)) * 1000n);
  };
  const or = <T>(value: unknown, make: (value: T) => Buffer) => (value === null ? null : make(value as T));
  return [
    int4(row.id as number),
    or(row.small, int2),
    or(row.name, text),
    or(row.price, numeric),
    or(row.paid, bool),
    or(row.day, date),
    or(row.at, microsOf),
    or(row.stamp, timestamp),
  ];
}

function decode(chunks: readonly Buffer[], batchSize = 1000, of: readonly CopyColumn[] = columns) {
  const decoder = new CopyBinaryDecoder('things', of, batchSize);
  const batches: ColumnBatch[] = chunks.flatMap((chunk) => decoder.push(chunk));
  const last = decoder.end();
  return last ? [...batches, last] : batches;
}

describe('CopyBinaryDecoder', () => {
  it('decodes every form into the lake values the row path read, nulls included, however the stream is split', () => {
    const stream = copy(rows.map((row) => tuple(fieldsOf(row))));

    for (let split = 0; split <= stream.length; split++) {
      const batches = decode([stream.subarray(0, split), stream.subarray(split)]);

      expect(batches.flatMap(rowsOf)).toEqual(rows);
    }
  });

  it('decodes a stream that arrives a byte at a time', () => {
    const stream = copy(rows.map((row) => tuple(fieldsOf(row))));

    const batches = decode([...stream].map((byte) => Buffer.from([byte])));

    expect(batches.flatMap(rowsOf)).toEqual(rows);
  });

  it('cuts batches of at most batchSize rows, and yields none for an empty COPY', () => {
    const ids: CopyColumn[] = [columns[0]!];
    const stream = copy([1, 2, 3, 4, 5].map((id) => tuple([int4(id)])));

    expect(decode([stream], 2, ids).map((batch) => batch.length)).toEqual([2, 2, 1]);
    expect(decode([copy([])], 2, ids)).toEqual([]);
  });

  it('builds no validity bitmap for a column without nulls, as the row path builds none', () => {
    const [batch] = decode([copy(rows.slice(0, 1).map((row) => tuple(fieldsOf(row))))]);

    expect(batch?.columns.every(({ data }) => data?.nullCount === 0 && !data.nullBitmap?.length)).toBe(true);
  });

  it('reads a decimal wider than 15 digits, and one with no shape as its text with its own scale', () => {
    const wide = column('wide', 'decimal', { decimal: { precision: 38, scale: 10 } });
    const loose = column('loose', 'decimal');
    const of: CopyColumn[] = [
      { column: wide, form: SourceForm.decimal128 },
      { column: loose, form: SourceForm.decimalText },
    ];
    const values = [
      ['1234567890123456789012345678.0123456789', '-0.000100'],
      ['-0.0000000001', '100000000'],
      ['0.0000000000', '0'],
    ];

    const batches = decode([copy(values.map(([a, b]) => tuple([numeric(a!), numeric(b!)])))], 10, of);

    expect(batches.flatMap(rowsOf)).toEqual(values.map(([a, b]) => ({ wide: a, loose: b })));
  });

  it.each([
    ['an infinite timestamp', 'stamp', SourceForm.timestamp, int8(0x7fff_ffff_ffff_ffffn)],
    ['-infinity as a date', 'day', SourceForm.date, int4(-0x8000_0000)],
    ['a numeric wider than its shape', 'price', SourceForm.decimal128, numeric('123456789.00')],
    ['a numeric with a digit past its scale', 'price', SourceForm.decimal128, numeric('1.001')],
    ['NaN', 'price', SourceForm.decimal128, Buffer.from([0, 0, 0, 0, 0xc0, 0, 0, 0])],
    ['an int4 field of two bytes', 'id', SourceForm.int4, int2(1)],
  ] as const)('refuses %s, naming the table, row and column', (_what, name, form, field) => {
    const target = columns.find((candidate) => candidate.column.name === name)!;
    const of: CopyColumn[] = [{ column: target.column, form }];
    const stream = copy([tuple([field])]);

    const error = (() => {
      try {
        decode([stream], 10, of);
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(UnreadableSourceValueError);
    expect(error).toMatchObject({ table: 'things', column: name, row: 0 });
  });

  it('refuses a COPY that stops before its trailer, or whose tuples have other columns', () => {
    const ids: CopyColumn[] = [columns[0]!];
    const whole = copy([tuple([int4(1)])]);

    expect(() => decode([whole.subarray(0, whole.length - 2)], 10, ids)).toThrow(/ended before its trailer/);
    expect(() => decode([copy([tuple([int4(1), int4(2)])])], 10, ids)).toThrow(/2 fields, not the 1 columns/);
    expect(() => decode([Buffer.from('id\n1\n')], 10, ids)).toThrow(/not in the binary format/);
  });

  it('frames a COPY with the PGCOPY signature, no flags, and a trailer of field count -1', () => {
    expect(copyBinaryHeader.toString('latin1', 0, 11)).toBe('PGCOPY\n\xff\r\n\0');
    expect([...copyBinaryHeader.subarray(11)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...copyBinaryTrailer]).toEqual([0xff, 0xff]);
  });
});

import { type LakeColumn, type LakeValue, processedColumnsOf, type Row, warehouseModels } from '@totes/model';
import {
  type ColumnBatch,
  columnBatchOf,
  decodeParquetColumns,
  encodeParquet,
  formatDate,
  formatTime,
  formatTimestamp,
} from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { processedRows } from '../test/processed-rows';
import { copyBinary } from './copy-binary';
import { MissingColumnError } from './errors';

/** Rows through the lake: written as a Parquet part, read back as column batches. */
function throughLake(columns: readonly LakeColumn[], rows: readonly Row[]): ColumnBatch[] {
  return decodeParquetColumns(encodeParquet(columns, rows), columns);
}

const pgEpochMs = 946_684_800_000n;

// A reader of COPY binary tuples back into the lake's in-memory forms, after PostgreSQL's send/recv formats
// (the integration test checks the same bytes against PostgreSQL itself).
function readTuples(columns: readonly LakeColumn[], bytes: Buffer): Row[] {
  const rows: Row[] = [];
  let at = 0;
  while (at < bytes.length) {
    expect(bytes.readInt16BE(at)).toBe(columns.length);
    at += 2;
    const row: Row = {};
    for (const column of columns) {
      const length = bytes.readInt32BE(at);
      at += 4;
      row[column.name] = length < 0 ? null : readValue(column, bytes.subarray(at, at + length));
      at += Math.max(length, 0);
    }
    rows.push(row);
  }
  return rows;
}

function readValue(column: LakeColumn, field: Buffer): LakeValue {
  switch (column.lake) {
    case 'int32':
      return field.readInt32BE(0);
    case 'date':
      return formatDate(field.readInt32BE(0) + 10_957) as string;
    case 'time':
      return formatTime(Number(field.readBigInt64BE(0) / 1000n)) as string;
    case 'timestamp':
      return formatTimestamp(Number(field.readBigInt64BE(0) / 1000n + pgEpochMs)) as string;
    case 'boolean':
      return field[0] === 1;
    case 'decimal':
      return numericText(field);
    case 'string':
      return field.toString('utf8');
  }
}

// numeric_send's form as decimal text with exactly dscale fraction digits.
function numericText(field: Buffer): string {
  const count = field.readInt16BE(0);
  const weight = field.readInt16BE(2);
  const sign = field.readUInt16BE(4);
  const scale = field.readInt16BE(6);
  let whole = '';
  let fraction = '';
  for (let index = 0; index < count; index++) {
    const digits = String(field.readInt16BE(8 + 2 * index)).padStart(4, '0');
    if (weight - index >= 0) whole += digits;
    else fraction += digits;
  }
  for (let missing = weight - count + 1; missing > 0; missing--) whole += '0000';
  fraction = '0000'.repeat(Math.max(0, -weight - 1)) + fraction;
  whole = whole.replace(/^0+/, '') || '0';
  fraction = fraction.padEnd(scale, '0').slice(0, scale);
  const text = scale > 0 ? `${whole}.${fraction}` : whole;
  return sign === 0x4000 ? `-${text}` : text;
}

describe('copyBinary on every model', () => {
  it.each(warehouseModels.map((model) => [model.name, model] as const))(
    "writes %s's processed columns as tuples that read back as the rows, on generated rows and edge values",
    (_name, model) => {
      const columns = processedColumnsOf(model);
      const rows = processedRows(model);

      const bytes = Buffer.concat(throughLake(columns, rows).map((batch) => copyBinary(columns, batch)));

      expect(readTuples(columns, bytes)).toEqual(rows.map((row) => ({ ...row })));
    },
  );
});

describe('copyBinary of one value', () => {
  const money: LakeColumn = {
    name: 'v',
    lake: 'decimal',
    nullable: true,
    decimal: { precision: 10, scale: 2 },
  };
  const wide: LakeColumn = {
    name: 'v',
    lake: 'decimal',
    nullable: true,
    decimal: { precision: 38, scale: 5 },
  };
  const of = (lake: LakeColumn['lake']): LakeColumn => ({ name: 'v', lake, nullable: true });
  const field = (column: LakeColumn, value: LakeValue) => [
    ...copyBinary([column], columnBatchOf([column], [{ v: value }])).subarray(2),
  ];

  it.each([
    ['null as length -1', of('int32'), null, [0xff, 0xff, 0xff, 0xff]],
    ['an int32 big-endian', of('int32'), -2, [0, 0, 0, 4, 0xff, 0xff, 0xff, 0xfe]],
    ['a date as days since 2000-01-01', of('date'), '1999-12-31', [0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff]],
    ['a time as microseconds', of('time'), '00:00:01.000', [0, 0, 0, 8, 0, 0, 0, 0, 0, 0x0f, 0x42, 0x40]],
    [
      'midnight at the end of a day',
      of('time'),
      '24:00:00.000',
      [0, 0, 0, 8, 0, 0, 0, 0x14, 0x1d, 0xd7, 0x60, 0],
    ],
    [
      'a timestamp as microseconds since 2000',
      of('timestamp'),
      '2000-01-01T00:00:00.001',
      [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0x03, 0xe8],
    ],
    [
      'a timestamp before 1970, exactly',
      of('timestamp'),
      '0001-01-01T00:00:00.000',
      [0, 0, 0, 8, ...Buffer.from('ff1fe2ffc59c6000', 'hex')],
    ],
    ['true as one byte', of('boolean'), true, [0, 0, 0, 1, 1]],
    ['text as its UTF-8, unescaped', of('string'), 'a\tü', [0, 0, 0, 4, 0x61, 0x09, 0xc3, 0xbc]],
    // ndigits 2, weight 0, positive, dscale 2, digits 12 and 3000
    ['12.30 as base-10000 digits', money, '12.30', [0, 0, 0, 12, 0, 2, 0, 0, 0, 0, 0, 2, 0, 12, 0x0b, 0xb8]],
    // ndigits 1, weight -1, negative, dscale 2, digit 500
    ['-0.05', money, '-0.05', [0, 0, 0, 10, 0, 1, 0xff, 0xff, 0x40, 0, 0, 2, 0x01, 0xf4]],
    ['zero, with no digits', money, '0.00', [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 2]],
    // ndigits 1, weight 2, dscale 5, digit 1: 10000^2
    ['a wide decimal, through BigInt', wide, '100000000.00000', [0, 0, 0, 10, 0, 1, 0, 2, 0, 0, 0, 5, 0, 1]],
  ] as const)('writes %s', (_behaviour, column, value, bytes) => {
    expect(field(column, value)).toEqual(bytes);
  });

  it('writes a decimal from a part that holds it as text (written before decimals had a shape) with its own scale', () => {
    const asText: LakeColumn = { name: 'v', lake: 'decimal', nullable: false };
    const shaped: LakeColumn = { ...asText, decimal: { precision: 10, scale: 2 } };
    const [batch] = decodeParquetColumns(encodeParquet([asText], [{ v: '-12.5' }, { v: '7' }]), [shaped]);

    const bytes = copyBinary([shaped], batch!);

    expect(readTuples([shaped], bytes)).toEqual([{ v: '-12.5' }, { v: '7' }]);
  });
});

describe('copyBinary', () => {
  it('writes the columns asked for, in their order, and nothing for no rows', () => {
    const columns: LakeColumn[] = [
      { name: 'id', lake: 'int32', nullable: false },
      { name: 'name', lake: 'string', nullable: true },
    ];
    const batch = columnBatchOf(columns, [{ id: 1, name: 'York' }]);

    expect(readTuples([columns[1]!, columns[0]!], copyBinary([columns[1]!, columns[0]!], batch))).toEqual([
      { name: 'York', id: 1 },
    ]);
    expect(copyBinary(columns, columnBatchOf(columns, [])).byteLength).toBe(0);
  });

  it('writes a column the part was written without as nulls', () => {
    const id: LakeColumn = { name: 'id', lake: 'int32', nullable: false };
    const deletedAt: LakeColumn = {
      name: '_deleted_at',
      lake: 'timestamp',
      nullable: true,
      absentAsNull: true,
    };
    const [batch] = decodeParquetColumns(encodeParquet([id], [{ id: 1 }]), [id, deletedAt]);

    expect(readTuples([id, deletedAt], copyBinary([id, deletedAt], batch!))).toEqual([
      { id: 1, _deleted_at: null },
    ]);
  });

  it('refuses a batch that lacks a column it is asked to write', () => {
    const id: LakeColumn = { name: 'id', lake: 'int32', nullable: false };

    expect(() => copyBinary([{ name: 'name' }], columnBatchOf([id], [{ id: 1 }]))).toThrow(
      MissingColumnError,
    );
  });
});

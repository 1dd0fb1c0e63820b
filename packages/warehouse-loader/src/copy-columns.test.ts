import { type LakeColumn, type LakeValue, processedColumnsOf, type Row, warehouseModels } from '@totes/model';
import { type ColumnBatch, columnBatchOf, decodeParquetColumns, encodeParquet } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { processedRows } from '../test/processed-rows';
import { copyText } from './copy-columns';
import { MissingColumnError } from './errors';

// The COPY text the loader wrote from row objects before it read columns: the reference the columnar text equals.
function rowCopyValue(value: LakeValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
  return value.replace(/[\\\t\n\r]/g, (character) => escapes[character] ?? character);
}

function rowCopyText(columns: readonly LakeColumn[], rows: readonly Row[]): string {
  return rows
    .map((row) => `${columns.map((column) => rowCopyValue(row[column.name] ?? null)).join('\t')}\n`)
    .join('');
}

/** Rows through the lake: written as a Parquet part, read back as column batches. */
function throughLake(columns: readonly LakeColumn[], rows: readonly Row[]): ColumnBatch[] {
  return decodeParquetColumns(encodeParquet(columns, rows), columns);
}

function columnarText(columns: readonly LakeColumn[], batches: readonly ColumnBatch[]): string {
  return Buffer.concat(batches.map((batch) => copyText(columns, batch))).toString('utf8');
}

describe('copyText on every model', () => {
  it.each(warehouseModels.map((model) => [model.name, model] as const))(
    "writes %s's processed columns exactly as the row path did, on generated rows and edge values",
    (_name, model) => {
      const columns = processedColumnsOf(model);
      const rows = processedRows(model);

      const text = columnarText(columns, throughLake(columns, rows));

      expect(text).toBe(rowCopyText(columns, rows));
      expect(text.split('\n')).toHaveLength(rows.length + 1);
    },
  );
});

describe('copyText of one value', () => {
  const string: LakeColumn = { name: 'v', lake: 'string', nullable: true };
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
  const whole: LakeColumn = {
    name: 'v',
    lake: 'decimal',
    nullable: true,
    decimal: { precision: 9, scale: 0 },
  };
  const of = (lake: LakeColumn['lake']): LakeColumn => ({ name: 'v', lake, nullable: true });

  it.each([
    ['null as \\N', string, null, '\\N'],
    ['an empty text as empty, not null', string, '', ''],
    ['a tab as \\t', string, 'a\tb', 'a\\tb'],
    ['a newline as \\n', string, 'a\nb', 'a\\nb'],
    ['a carriage return as \\r', string, 'a\rb', 'a\\rb'],
    ['a backslash doubled', string, 'C:\\totes', 'C:\\\\totes'],
    ['the text \\N so that it is not read as null', string, '\\N', '\\\\N'],
    ['quotes and commas unchanged', string, `O'Hara, "Ltd"`, `O'Hara, "Ltd"`],
    ['non-ASCII text as its UTF-8', string, 'Zürich 東京 🎒', 'Zürich 東京 🎒'],
    ['true as t', of('boolean'), true, 't'],
    ['false as f', of('boolean'), false, 'f'],
    ['zero as 0, not null', of('int32'), 0, '0'],
    ['the lowest int32', of('int32'), -2_147_483_648, '-2147483648'],
    ['a decimal with its scale', money, '12.3', '12.30'],
    ['a negative decimal below one', money, '-0.05', '-0.05'],
    ['a decimal zero', money, '0', '0.00'],
    ['the widest money', money, '-99999999.99', '-99999999.99'],
    ['a decimal of scale 0 with no point', whole, '-42', '-42'],
    [
      'a wide decimal, through BigInt',
      wide,
      '-123456789012345678901234567890.12345',
      '-123456789012345678901234567890.12345',
    ],
    ['a wide decimal below one', wide, '0.00001', '0.00001'],
    ['a timestamp before 1970', of('timestamp'), '1969-12-31T23:59:59.999', '1969-12-31T23:59:59.999'],
    ['the first timestamp', of('timestamp'), '0000-01-01T00:00:00.000', '0000-01-01T00:00:00.000'],
    ['the last timestamp', of('timestamp'), '9999-12-31T23:59:59.999', '9999-12-31T23:59:59.999'],
    ['a leap day', of('date'), '2024-02-29', '2024-02-29'],
    ['the first date', of('date'), '0000-01-01', '0000-01-01'],
    ['midnight at the end of a day', of('time'), '24:00:00.000', '24:00:00.000'],
    ['milliseconds padded', of('time'), '09:05:03.007', '09:05:03.007'],
  ] as const)('writes %s', (_behaviour, column, value, text) => {
    const batches = throughLake([column], [{ v: value }]);

    expect(columnarText([column], batches)).toBe(`${text}\n`);
  });
});

describe('copyText', () => {
  it('writes the columns asked for, in their order, one tab-separated line per row', () => {
    const columns: LakeColumn[] = [
      { name: 'id', lake: 'int32', nullable: false },
      { name: 'name', lake: 'string', nullable: false },
      { name: 'district', lake: 'string', nullable: true },
    ];
    const batch = columnBatchOf(columns, [
      { name: 'Leeds\tNorth', id: 1, district: null },
      { id: 2, name: 'York', district: 'North Yorkshire' },
    ]);

    const text = copyText([columns[2]!, columns[0]!], batch).toString('utf8');

    expect(text).toBe('\\N\t1\nNorth Yorkshire\t2\n');
  });

  it('writes nothing for no rows', () => {
    const columns: LakeColumn[] = [{ name: 'id', lake: 'int32', nullable: false }];

    expect(copyText(columns, columnBatchOf(columns, [])).byteLength).toBe(0);
  });

  it('writes a column the part was written without as nulls', () => {
    const id: LakeColumn = { name: 'id', lake: 'int32', nullable: false };
    const deletedAt: LakeColumn = {
      name: '_deleted_at',
      lake: 'timestamp',
      nullable: true,
      absentAsNull: true,
    };
    const bytes = encodeParquet([id], [{ id: 1 }, { id: 2 }]);

    const text = columnarText([id, deletedAt], decodeParquetColumns(bytes, [id, deletedAt]));

    expect(text).toBe('1\t\\N\n2\t\\N\n');
  });

  it('writes a decimal from a part that holds it as text (written before decimals had a shape) as that text', () => {
    const asText: LakeColumn = { name: 'amount', lake: 'decimal', nullable: false };
    const shaped: LakeColumn = { ...asText, decimal: { precision: 10, scale: 2 } };
    const bytes = encodeParquet([asText], [{ amount: '12.5' }, { amount: '-3.25' }]);

    expect(columnarText([shaped], decodeParquetColumns(bytes, [shaped]))).toBe('12.5\n-3.25\n');
  });

  it('refuses a batch that lacks a column it is asked to write', () => {
    const id: LakeColumn = { name: 'id', lake: 'int32', nullable: false };

    expect(() => copyText([{ name: 'name' }], columnBatchOf([id], [{ id: 1 }]))).toThrow(MissingColumnError);
  });
});

import type { LakeColumn, Row } from '@totes/model';
import { tableFromIPC } from 'apache-arrow';
import { Compression, Encoding, ParquetFile, readSchema } from 'parquet-wasm/node';
import { describe, expect, it } from 'vitest';
import {
  CorruptLakeObjectError,
  InvalidLakeValueError,
  LakeErrorCode,
  LakeSchemaMismatchError,
} from './errors';
import { decodeParquet, encodeParquet, parquetCompression, parquetDictionary } from './parquet-codec';

const everyType: readonly LakeColumn[] = [
  { name: 'id', lake: 'int32', nullable: false },
  { name: 'name', lake: 'string', nullable: true },
  { name: 'price', lake: 'decimal', nullable: true },
  { name: 'paid', lake: 'boolean', nullable: true },
  { name: 'last_updated', lake: 'timestamp', nullable: true },
  { name: 'agreed_on', lake: 'date', nullable: true },
  { name: 'agreed_at', lake: 'time', nullable: true },
];

const everyTypeRows: Row[] = [
  {
    id: 1,
    name: 'Zoë Ñúñez – 東京 🚚',
    price: '0.10',
    paid: true,
    last_updated: '2024-02-29T23:59:59.999',
    agreed_on: '2024-02-29',
    agreed_at: '23:59:59.999',
  },
  { id: 2, name: null, price: null, paid: null, last_updated: null, agreed_on: null, agreed_at: null },
  {
    id: -2147483648,
    name: '',
    price: '99999999.99',
    paid: false,
    last_updated: '1969-12-31T23:59:59.001',
    agreed_on: '1969-12-31',
    agreed_at: '00:00:00.001',
  },
  {
    id: 2147483647,
    name: 'O\'Brien "quoted"\nnew line',
    price: '-12345678901234567890.123456789',
    paid: true,
    last_updated: '0001-01-01T00:00:00.000',
    agreed_on: '9999-12-31',
    agreed_at: '24:00:00.000',
  },
];

describe('encodeParquet and decodeParquet', () => {
  it('round-trip every lake type exactly, nulls and millisecond precision included', () => {
    const bytes = encodeParquet(everyType, everyTypeRows);

    const rows = decodeParquet(bytes, everyType);

    expect(rows).toEqual(everyTypeRows);
  });

  it('keep decimal text exactly as written, trailing zeros included', () => {
    const columns: LakeColumn[] = [{ name: 'amount', lake: 'decimal', nullable: false }];
    const amounts = ['0.10', '99999999.99', '12.30', '0', '-0.01', '100'];

    const rows = decodeParquet(
      encodeParquet(
        columns,
        amounts.map((amount) => ({ amount })),
      ),
      columns,
    );

    expect(rows.map((row) => row.amount)).toEqual(amounts);
  });

  it('write a Parquet file, magic bytes at both ends', () => {
    const bytes = encodeParquet(everyType, everyTypeRows);

    const magic = new TextDecoder().decode(bytes.subarray(0, 4));
    const trailer = new TextDecoder().decode(bytes.subarray(bytes.length - 4));

    expect([magic, trailer]).toEqual(['PAR1', 'PAR1']);
  });

  it('compress every column with snappy', async () => {
    const bytes = encodeParquet(everyType, everyTypeRows);

    const file = await ParquetFile.fromFile(new Blob([bytes]));
    const rowGroup = file.metadata().rowGroup(0);
    const compressions = rowGroup.columns().map((column) => column.compression());
    file.free();

    expect(parquetCompression).toBe('snappy');
    expect(compressions).toEqual(everyType.map(() => Compression.SNAPPY));
  });

  it('write every column in plain pages, with no dictionary to build', async () => {
    const bytes = encodeParquet(everyType, everyTypeRows);

    const file = await ParquetFile.fromFile(new Blob([bytes]));
    const encodings = file
      .metadata()
      .rowGroup(0)
      .columns()
      .flatMap((column) => column.encodings());
    file.free();

    expect(parquetDictionary).toBe(false);
    expect(encodings).not.toContain(Encoding.RLE_DICTIONARY);
    expect(encodings).not.toContain(Encoding.PLAIN_DICTIONARY);
    expect(encodings).toContain(Encoding.PLAIN);
  });

  it('round-trip zero rows', () => {
    expect(decodeParquet(encodeParquet(everyType, []), everyType)).toEqual([]);
  });

  it('give back only the expected columns, in their order, ignoring extra ones in the file', () => {
    const bytes = encodeParquet(everyType, everyTypeRows);
    const wanted = [everyType[4]!, everyType[0]!];

    const rows = decodeParquet(bytes, wanted);

    expect(rows[0]).toEqual({ last_updated: '2024-02-29T23:59:59.999', id: 1 });
    expect(Object.keys(rows[0]!)).toEqual(['last_updated', 'id']);
  });

  it('rejects a null read into a non-nullable expected column, naming the row', () => {
    const bytes = encodeParquet(
      [{ name: 'name', lake: 'string', nullable: true }],
      [{ name: 'a' }, { name: null }],
    );

    const error = captureError(() =>
      decodeParquet(bytes, [{ name: 'name', lake: 'string', nullable: false }], 'p'),
    );

    expect(error).toBeInstanceOf(InvalidLakeValueError);
    expect(error).toMatchObject({ part: 'p', column: 'name', row: 1 });
  });

  it('read a non-nullable expected column from a nullable one that holds no nulls', () => {
    const bytes = encodeParquet([{ name: 'name', lake: 'string', nullable: true }], [{ name: 'a' }]);

    const rows = decodeParquet(bytes, [{ name: 'name', lake: 'string', nullable: false }]);

    expect(rows).toEqual([{ name: 'a' }]);
  });
});

describe('decodeParquet schema checks', () => {
  const bytes = encodeParquet(everyType, everyTypeRows);

  it('names the part, column and expected type when a column is missing', () => {
    const columns: LakeColumn[] = [...everyType, { name: 'currency', lake: 'string', nullable: false }];

    const error = captureError(() => decodeParquet(bytes, columns, 'raw/sales/part-00000.parquet'));

    expect(error).toBeInstanceOf(LakeSchemaMismatchError);
    expect(error).toMatchObject({
      code: LakeErrorCode.lakeSchemaMismatch,
      name: 'LakeSchemaMismatchError',
      part: 'raw/sales/part-00000.parquet',
      column: 'currency',
      found: 'missing',
    });
    expect((error as Error).message).toContain('raw/sales/part-00000.parquet has no column currency');
  });

  it('reads a column declared absentAsNull that a part does not hold as nulls, and the column when it does', () => {
    const deletedAt: LakeColumn = {
      name: '_deleted_at',
      lake: 'timestamp',
      nullable: true,
      absentAsNull: true,
    };
    const older = decodeParquet(bytes, [everyType[0] as LakeColumn, deletedAt]);
    const newer = decodeParquet(
      encodeParquet(
        [everyType[0] as LakeColumn, deletedAt],
        [{ id: 1, _deleted_at: '2024-12-01T08:00:00.000' }],
      ),
      [everyType[0] as LakeColumn, deletedAt],
    );

    expect(older).toEqual(everyTypeRows.map((row) => ({ id: row.id, _deleted_at: null })));
    expect(newer).toEqual([{ id: 1, _deleted_at: '2024-12-01T08:00:00.000' }]);
  });

  it('names the expected and found types when a column has another type', () => {
    const columns: LakeColumn[] = everyType.map((column) =>
      column.name === 'last_updated' ? { ...column, lake: 'date' } : column,
    );

    const error = captureError(() => decodeParquet(bytes, columns, 'part-7'));

    expect(error).toBeInstanceOf(LakeSchemaMismatchError);
    expect(error).toMatchObject({
      part: 'part-7',
      column: 'last_updated',
      expected: 'date (Date32<DAY>)',
      found: 'Timestamp<MILLISECOND>',
    });
  });

  it('tells a decimal stored as text from an int32 column', () => {
    const error = captureError(() =>
      decodeParquet(bytes, [{ name: 'price', lake: 'int32', nullable: true }]),
    );

    expect(error).toMatchObject({ column: 'price', expected: 'int32 (Int32)', found: 'Utf8' });
  });
});

describe('decimals with a precision and scale', () => {
  const money: LakeColumn = {
    name: 'amount',
    lake: 'decimal',
    nullable: false,
    decimal: { precision: 10, scale: 2 },
  };
  const wide: LakeColumn = {
    name: 'amount',
    lake: 'decimal',
    nullable: true,
    decimal: { precision: 38, scale: 9 },
  };
  const text: LakeColumn = { name: 'amount', lake: 'decimal', nullable: true };

  it('are stored as Decimal128(p,s), the Parquet DECIMAL(p,s), non-null when the column is required', () => {
    const bytes = encodeParquet([money, { ...wide, name: 'wide' }], [{ amount: '12.30', wide: null }]);

    const fields = tableFromIPC(readSchema(bytes).intoIPCStream()).schema.fields;

    expect(fields.map((field) => [field.name, String(field.type), field.nullable])).toEqual([
      ['amount', 'Decimal[10e+2]', false],
      ['wide', 'Decimal[38e+9]', true],
    ]);
  });

  it("decode to the exact text with the scale's digits, as Postgres writes numeric(p,s)", () => {
    const written = ['0.10', '12.30', '0.00', '-0.01', '99999999.99', '-99999999.99', '12.3', '100', '7.500'];

    const rows = decodeParquet(
      encodeParquet(
        [money],
        written.map((amount) => ({ amount })),
      ),
      [money],
    );

    expect(rows.map((row) => row.amount)).toEqual([
      '0.10',
      '12.30',
      '0.00',
      '-0.01',
      '99999999.99',
      '-99999999.99',
      '12.30',
      '100.00',
      '7.50',
    ]);
  });

  it('round-trip decimals wider than a double holds exactly, through 128 bits', () => {
    const written = [
      '-12345678901234567890.123456789',
      '99999999999999999999999999999.999999999',
      '-99999999999999999999999999999.999999999',
      '0.000000001',
      '9007199254740993.000000000',
      null,
    ];

    const rows = decodeParquet(
      encodeParquet(
        [wide],
        written.map((amount) => ({ amount })),
      ),
      [wide],
    );

    expect(rows.map((row) => row.amount)).toEqual(written);
  });

  it.each([
    ['more integer digits than precision - scale', '123456789.00'],
    ['a non-zero digit past the scale', '1.234'],
    ['an exponent', '1e5'],
    ['no integer digits', '.50'],
    ['a trailing point', '1.'],
    ['a plus sign', '+1.00'],
    ['a space', ' 1.00'],
    ['a number, not text', 1.5],
  ])('rejects %s with InvalidLakeValueError naming the shape', (_, value) => {
    const error = captureError(() => encodeParquet([money], [{ amount: value }], 'new-part'));

    expect(error).toBeInstanceOf(InvalidLakeValueError);
    expect(error).toMatchObject({ column: 'amount', row: 0 });
    expect((error as Error).message).toContain('decimal(10,2)');
  });

  it('read a part written before decimals had a shape (UTF-8 text, nullable) as the same text', () => {
    const old = encodeParquet([text], [{ amount: '12.30' }, { amount: '0.10' }]);

    const rows = decodeParquet(old, [money]);

    expect(rows).toEqual([{ amount: '12.30' }, { amount: '0.10' }]);
  });

  it('refuse a part whose decimal has another scale or a wider precision', () => {
    const other = encodeParquet([{ ...money, decimal: { precision: 10, scale: 3 } }], [{ amount: '1.000' }]);
    const wider = encodeParquet([{ ...money, decimal: { precision: 12, scale: 2 } }], [{ amount: '1.00' }]);

    const errors = [
      captureError(() => decodeParquet(other, [money])),
      captureError(() => decodeParquet(wider, [money])),
    ];

    for (const error of errors) {
      expect(error).toBeInstanceOf(LakeSchemaMismatchError);
      expect(error).toMatchObject({
        code: LakeErrorCode.lakeSchemaMismatch,
        expected: 'decimal (Decimal[10e+2])',
      });
    }
    expect(errors.map((error) => (error as LakeSchemaMismatchError).found)).toEqual([
      'Decimal[10e+3]',
      'Decimal[12e+2]',
    ]);
  });

  it('read a narrower precision of the same scale, as a column widened later finds its older parts', () => {
    const narrower = encodeParquet(
      [{ ...money, decimal: { precision: 6, scale: 2 } }],
      [{ amount: '-1234.50' }],
    );

    expect(decodeParquet(narrower, [money])).toEqual([{ amount: '-1234.50' }]);
  });
});

describe('decodeParquet on damaged bytes', () => {
  const bytes = encodeParquet(everyType, everyTypeRows);

  it.each([
    ['truncated', bytes.subarray(0, bytes.length - 20)],
    ['not Parquet at all', new TextEncoder().encode('{"this":"is json"}')],
    ['empty', new Uint8Array(0)],
  ])('throws CorruptLakeObjectError for %s bytes, naming the part', (_, damaged) => {
    const error = captureError(() => decodeParquet(damaged, everyType, 'raw/x/part-00001.parquet'));

    expect(error).toBeInstanceOf(CorruptLakeObjectError);
    expect(error).toMatchObject({ code: LakeErrorCode.corruptLakeObject, part: 'raw/x/part-00001.parquet' });
    expect((error as Error).cause).toBeDefined();
  });
});

describe('encodeParquet value checks', () => {
  it.each<[string, LakeColumn, Row['x'], string]>([
    ['a null in a non-nullable column', { name: 'x', lake: 'string', nullable: false }, null, 'is null'],
    [
      'a missing value in a non-nullable column',
      { name: 'x', lake: 'int32', nullable: false },
      undefined as never,
      'is missing',
    ],
    [
      'a fraction in an int32 column',
      { name: 'x', lake: 'int32', nullable: true },
      1.5,
      'not a 32-bit integer',
    ],
    ['an int32 overflow', { name: 'x', lake: 'int32', nullable: true }, 2 ** 31, 'not a 32-bit integer'],
    ['a number in a decimal column', { name: 'x', lake: 'decimal', nullable: true }, 0.1, 'not decimal text'],
    [
      'an exponent in a decimal column',
      { name: 'x', lake: 'decimal', nullable: true },
      '1e5',
      'not decimal text',
    ],
    [
      'a zoned timestamp',
      { name: 'x', lake: 'timestamp', nullable: true },
      '2024-01-01T00:00:00.000Z',
      'not a timestamp',
    ],
    [
      'a timestamp without milliseconds',
      { name: 'x', lake: 'timestamp', nullable: true },
      '2024-01-01T00:00:00',
      'not a timestamp',
    ],
    ['a day that does not exist', { name: 'x', lake: 'date', nullable: true }, '2023-02-29', 'not a date'],
    ['a minute past 59', { name: 'x', lake: 'time', nullable: true }, '10:60:00.000', 'not a time'],
    ['a string in a boolean column', { name: 'x', lake: 'boolean', nullable: true }, 'true', 'not a boolean'],
  ])('rejects %s with InvalidLakeValueError naming the column and row', (_, column, value, reason) => {
    const rows: Row[] = [{ x: null }, { x: value }];
    if (!column.nullable) rows.shift();

    const error = captureError(() => encodeParquet([column], rows, 'new-part'));

    expect(error).toBeInstanceOf(InvalidLakeValueError);
    expect(error).toMatchObject({
      code: LakeErrorCode.invalidLakeValue,
      column: 'x',
      row: column.nullable ? 1 : 0,
    });
    expect((error as Error).message).toContain(reason);
  });
});

function captureError(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

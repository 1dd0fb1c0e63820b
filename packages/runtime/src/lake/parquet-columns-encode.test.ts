import type { LakeColumn } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { InvalidLakeValueError } from './errors';
import { columnBatchOf, decodeParquet, encodeParquet } from './parquet-codec';
import { decodeParquetColumns } from './parquet-columns';
import { encodeColumnBatch } from './parquet-columns-encode';

const money: LakeColumn = {
  name: 'amount',
  lake: 'decimal',
  nullable: true,
  decimal: { precision: 10, scale: 2 },
};

describe('encodeColumnBatch', () => {
  it('writes a batch as the Parquet part encodeParquet writes for the same rows', () => {
    const columns: LakeColumn[] = [
      { name: 'id', lake: 'int32', nullable: false },
      { name: 'name', lake: 'string', nullable: true },
      money,
      { name: 'at', lake: 'timestamp', nullable: true },
    ];
    const rows = [
      { id: 1, name: 'Zürich', amount: '-0.05', at: '1969-12-31T23:59:59.999' },
      { id: 2, name: null, amount: null, at: null },
    ];

    const bytes = encodeColumnBatch(columnBatchOf(columns, rows));

    expect(decodeParquet(bytes, columns)).toEqual(rows);
    expect(decodeParquet(bytes, columns)).toEqual(decodeParquet(encodeParquet(columns, rows), columns));
  });

  it('writes decimal text from an older part as the Decimal128 of the declared shape', () => {
    const asText: LakeColumn = { name: 'amount', lake: 'decimal', nullable: true };
    const [batch] = decodeParquetColumns(encodeParquet([asText], [{ amount: '12.5' }, { amount: null }]), [
      money,
    ]);

    const bytes = encodeColumnBatch(batch!);

    expect(decodeParquet(bytes, [money])).toEqual([{ amount: '12.50' }, { amount: null }]);
  });

  it('writes a decimal of a narrower precision as the declared one', () => {
    const narrow: LakeColumn = { ...money, decimal: { precision: 6, scale: 2 } };
    const [batch] = decodeParquetColumns(encodeParquet([narrow], [{ amount: '1234.50' }]), [money]);

    expect(
      decodeParquet(encodeColumnBatch(batch!), [{ ...money, decimal: { precision: 10, scale: 2 } }]),
    ).toEqual([{ amount: '1234.50' }]);
  });

  it('writes a column the batch does not hold as nulls', () => {
    const id: LakeColumn = { name: 'id', lake: 'int32', nullable: false };
    const deletedAt: LakeColumn = {
      name: '_deleted_at',
      lake: 'timestamp',
      nullable: true,
      absentAsNull: true,
    };
    const [batch] = decodeParquetColumns(encodeParquet([id], [{ id: 1 }, { id: 2 }]), [id, deletedAt]);

    expect(decodeParquet(encodeColumnBatch(batch!), [id, { ...deletedAt, absentAsNull: false }])).toEqual([
      { id: 1, _deleted_at: null },
      { id: 2, _deleted_at: null },
    ]);
  });

  it('refuses a null in a column that is not nullable, naming the row', () => {
    const loose: LakeColumn = { name: 'id', lake: 'int32', nullable: true };
    const batch = columnBatchOf([loose], [{ id: 1 }, { id: null }]);
    const strict = { ...batch, columns: [{ ...batch.columns[0]!, column: { ...loose, nullable: false } }] };

    expect(() => encodeColumnBatch(strict, 'p-2')).toThrow(InvalidLakeValueError);
    expect(() => encodeColumnBatch(strict, 'p-2')).toThrow(
      /row 1, column id: is null but the column is not nullable/,
    );
  });
});

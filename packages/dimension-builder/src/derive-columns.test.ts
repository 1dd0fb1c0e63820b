import {
  datesReferenced,
  deriveDimensionRow,
  factModels,
  findSourceTable,
  ModelError,
  processedColumnsOf,
  type Row,
  rawColumnsOf,
  type SourceTable,
  type TableDimension,
  warehouseModels,
} from '@totes/model';
import {
  type ColumnBatch,
  decodeParquet,
  decodeParquetColumns,
  encodeColumnBatch,
  encodeParquet,
  formatDate,
} from '@totes/runtime';
import { generateTotesys, type TotesysTable } from '@totes/totesys';
import { describe, expect, it } from 'vitest';
import { addDaysReferenced, dateSourceColumns } from './calendar-days';
import { deriveDimensionColumns } from './derive-columns';
import type { Partners } from './types';

const dimensions = warehouseModels.filter(
  (model): model is TableDimension => model.kind === 'dimension' && model.build === 'table',
);
const generated = generateTotesys({ scale: 0.02 });
const deletedAt = '2024-12-01T08:00:00.000';

/** A table's generated rows in the lake's form (timestamps `YYYY-MM-DDTHH:MM:SS.mmm`). */
function lakeRows(table: string): Row[] {
  return [...generated.rows(table as TotesysTable)].map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([name, value]) => [
        name,
        typeof value === 'string' && /^\d{4}-\d\d-\d\d \d\d:/.test(value) ? value.replace(' ', 'T') : value,
      ]),
    ),
  );
}

/** Generated rows, then edge rows: a tombstone, every nullable column null, timestamps at the lake's ends. */
function primaryRows(table: SourceTable): Row[] {
  const rows = lakeRows(table.name);
  const first = rows[0] as Row;
  const nullable = table.columns.filter((column) => column.nullable).map((column) => column.name);
  return [
    ...rows,
    { ...first, last_updated: deletedAt, _deleted_at: deletedAt },
    { ...first, ...Object.fromEntries(nullable.map((name) => [name, null])) },
    { ...first, last_updated: '0001-01-01T00:00:00.000' },
    { ...first, last_updated: '1969-12-31T23:59:59.999', _deleted_at: '1970-01-01T00:00:00.000' },
    { ...first, last_updated: '9999-12-31T23:59:59.999' },
  ];
}

/** The current rows of each joined table by key: one deleted (a tombstone, its last known values), one with nulls. */
function partnersOf(model: TableDimension): Partners {
  return new Map(
    model.joins.map((join) => {
      const table = findSourceTable(join.table)!;
      const rows = lakeRows(join.table);
      const nullable = table.columns.filter((column) => column.nullable).map((column) => column.name);
      rows[0] = { ...rows[0], last_updated: deletedAt, _deleted_at: deletedAt };
      rows[1] = { ...rows[1], ...Object.fromEntries(nullable.map((name) => [name, null])) };
      return [join.table, new Map(rows.map((row) => [Number(row[table.primaryKey]), row]))] as const;
    }),
  );
}

function throughLake(table: SourceTable, rows: readonly Row[]): ColumnBatch {
  const columns = rawColumnsOf(table);
  const [batch] = decodeParquetColumns(encodeParquet(columns, rows), columns);
  return batch!;
}

/** What the row path writes: each row derived by the model, the partners found by the joins' keys. */
function byRows(model: TableDimension, rows: readonly Row[], partners: Partners): Row[] {
  const built = rows.flatMap((row) => {
    const sources: Record<string, Row | undefined> = { [model.primaryTable]: row };
    for (const join of model.joins)
      sources[join.table] = partners.get(join.table)?.get(Number(row[join.foreignKey]));
    return [deriveDimensionRow(model, sources) ?? []].flat();
  });
  const processed = processedColumnsOf(model);
  return decodeParquet(encodeParquet(processed, built), processed);
}

function byColumns(model: TableDimension, batch: ColumnBatch, partners: Partners): Row[] {
  const processed = processedColumnsOf(model);
  return decodeParquet(encodeColumnBatch(deriveDimensionColumns(model, batch, partners)), processed);
}

describe('deriveDimensionColumns', () => {
  it.each(dimensions.map((model) => [model.name, model] as const))(
    'writes the same %s part as the row path, on generated rows, tombstones, nulls and edge timestamps',
    (_name, model) => {
      const table = findSourceTable(model.primaryTable)!;
      const rows = primaryRows(table);
      const partners = partnersOf(model);

      const columnar = byColumns(model, throughLake(table, rows), partners);

      expect(columnar).toEqual(byRows(model, rows, partners));
      expect(columnar).toHaveLength(rows.length);
      expect(columnar.filter((row) => row._deleted_at !== null)).toHaveLength(2);
    },
  );

  it('leaves out a staff member whose department is not in the lake yet, as the row path does', () => {
    const model = dimensions.find((candidate) => candidate.name === 'dim_staff')!;
    const table = findSourceTable('staff')!;
    const rows = primaryRows(table);
    rows[1] = { ...rows[1], department_id: 999 };
    const partners = partnersOf(model);

    const columnar = byColumns(model, throughLake(table, rows), partners);

    expect(columnar).toEqual(byRows(model, rows, partners));
    expect(columnar).toHaveLength(rows.length - 1);
  });

  it('gives every row of a dimension with joins the joined rows in its source version', () => {
    const model = dimensions.find((candidate) => candidate.name === 'dim_counterparty')!;
    const table = findSourceTable('counterparty')!;
    const rows = primaryRows(table).slice(0, 3);
    const partners = partnersOf(model);

    const [row] = byColumns(model, throughLake(table, rows), partners);

    const address = partners.get('address')?.get(Number(rows[0]?.legal_address_id));
    expect(row?._source_version).toBe(`${rows[0]?.last_updated}|${address?.last_updated}`);
  });
});

describe('addDaysReferenced', () => {
  it.each(['sales_order', 'purchase_order', 'payment'])(
    'finds the same days in %s rows as the row path, nulls and padded dates included',
    (name) => {
      const table = findSourceTable(name)!;
      const rows = lakeRows(name);
      const first = rows[0] as Row;
      const texts = dateSourceColumns(table).filter((column) => column.lake === 'string');
      // Source dates are never null today; read as nullable, a null date references no day.
      const columns = dateSourceColumns(table).map((column) => ({ ...column, nullable: true }));
      rows.push(
        { ...first, ...Object.fromEntries(texts.map((column) => [column.name, ' 2031-02-28 '])) },
        { ...first, created_at: '1969-12-31T23:59:59.999', _deleted_at: deletedAt },
        { ...first, ...Object.fromEntries(columns.map((column) => [column.name, null])) },
      );
      const expected = new Set(rows.flatMap((row) => datesReferenced(factModels, name, row)));
      const [batch] = decodeParquetColumns(encodeParquet(columns, rows), columns);

      const days = new Set<number>();
      addDaysReferenced(table, batch!, days);

      expect(new Set([...days].map((day) => formatDate(day)))).toEqual(expected);
      expect(expected).toContain('2031-02-28');
      expect(expected).toContain('1969-12-31');
    },
  );

  it('refuses a source date that is not a date, naming the column, as the row path does', () => {
    const table = findSourceTable('payment')!;
    const columns = dateSourceColumns(table);
    const row = { ...lakeRows('payment')[0], payment_date: '2024-02-30' };
    const [batch] = decodeParquetColumns(encodeParquet(columns, [row]), columns);

    expect(() => datesReferenced(factModels, 'payment', row)).toThrow(ModelError);
    expect(() => addDaysReferenced(table, batch!, new Set())).toThrow(
      'payment.payment_date holds "2024-02-30", which is not a YYYY-MM-DD date',
    );
  });
});

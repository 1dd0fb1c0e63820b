import {
  deriveFactRow,
  type FactModel,
  findSourceTable,
  ModelError,
  processedColumnsOf,
  type Row,
  rawColumnsOf,
  warehouseModels,
} from '@totes/model';
import {
  type ColumnBatch,
  decodeParquet,
  decodeParquetColumns,
  encodeColumnBatch,
  encodeParquet,
} from '@totes/runtime';
import { generateTotesys, type TotesysTable } from '@totes/totesys';
import { describe, expect, it } from 'vitest';
import { deriveFactColumns } from './derive-columns';

const facts = warehouseModels.filter((model): model is FactModel => model.kind === 'fact');
const generated = generateTotesys({ scale: 0.02 });

/** The fact's source rows in the lake's form (timestamps `YYYY-MM-DDTHH:MM:SS.mmm`), then edge rows. */
function rawRows(fact: FactModel): Row[] {
  const rows: Row[] = [...generated.rows(fact.primaryTable as TotesysTable)].map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([name, value]) => [
        name,
        typeof value === 'string' && /^\d{4}-\d\d-\d\d \d\d:/.test(value) ? value.replace(' ', 'T') : value,
      ]),
    ),
  );
  const first = rows[0] as Row;
  const dates = Object.keys(first).filter((name) => /_date$/.test(name) && typeof first[name] === 'string');
  const edges: Row[] = [
    // A tombstone: the last known values, deleted at a time.
    { ...first, last_updated: '2024-12-01T08:00:00.000', _deleted_at: '2024-12-01T08:00:00.000' },
    // Timestamps at the ends of the lake's range and around the epoch.
    { ...first, created_at: '1969-12-31T23:59:59.999', last_updated: '0001-01-01T00:00:00.000' },
    { ...first, created_at: '9999-12-31T23:59:59.999', last_updated: '1970-01-01T00:00:00.000' },
    // Source dates padded with spaces, which the model trims.
    { ...first, ...Object.fromEntries(dates.map((name) => [name, ' 2024-02-29 '])) },
  ];
  return [...rows, ...edges];
}

function throughLake(columns: ReturnType<typeof rawColumnsOf>, rows: readonly Row[]): ColumnBatch[] {
  return decodeParquetColumns(encodeParquet(columns, rows), columns);
}

describe('deriveFactColumns', () => {
  it.each(facts.map((fact) => [fact.name, fact] as const))(
    'writes the same %s part as the row path, on generated rows, a tombstone and edge values',
    (_name, fact) => {
      const table = findSourceTable(fact.primaryTable)!;
      const rows = rawRows(fact);
      const processed = processedColumnsOf(fact);

      const [batch] = throughLake(rawColumnsOf(table), rows);
      const columnar = decodeParquet(encodeColumnBatch(deriveFactColumns(fact, batch!)), processed);

      const byRows = decodeParquet(
        encodeParquet(
          processed,
          rows.map((row) => deriveFactRow(fact, row)),
        ),
        processed,
      );
      expect(columnar).toEqual(byRows);
      expect(columnar).toHaveLength(rows.length);
    },
  );

  it('refuses a source date that is not a date, naming the column, as the row path does', () => {
    const fact = facts.find((model) => model.name === 'fact_payment')!;
    const table = findSourceTable(fact.primaryTable)!;
    const [row] = rawRows(fact);
    const bad = { ...row, payment_date: '2024-02-30' };
    const rowError = (() => {
      try {
        deriveFactRow(fact, bad);
      } catch (error) {
        return error;
      }
    })();

    const [batch] = throughLake(rawColumnsOf(table), [bad]);

    expect(rowError).toBeInstanceOf(ModelError);
    expect(() => deriveFactColumns(fact, batch!)).toThrow((rowError as Error).message);
  });
});

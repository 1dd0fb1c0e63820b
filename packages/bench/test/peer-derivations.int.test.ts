import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import {
  CalendarPart,
  calendarPartSql,
  columnOf,
  type Derivation,
  derivationSql,
  deriveCalendarRow,
  deriveValue,
  findSourceTable,
  type LakeValue,
  peerStagingType,
  sqlIdentifier as q,
  tableOf,
  type WarehouseColumn,
  warehouseModels,
} from '@totes/model';
import { createPool } from '@totes/runtime';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type SourceKind = Exclude<Derivation['kind'], 'calendar'>;

/**
 * Source values per derivation kind, as the lake holds them: the edges each JS derivation handles. Keyed by kind,
 * so a new kind of derivation does not compile until it has samples here.
 */
const samples: Record<SourceKind, readonly string[]> = {
  copy: ['Terrific Totes', "O'Brien", 'tab\there', ''],
  datePart: ['2024-02-29T23:59:59.999', '2023-01-01T00:00:00.000', '1999-12-31T12:00:00.001'],
  timePart: ['2024-02-29T23:59:59.999', '2023-01-01T00:00:00.000', '1999-12-31T12:00:00.001'],
  parseDate: ['2024-02-29', ' 2024-03-01 ', '2023-12-31\n', '1999-01-01'],
  currencyName: ['GBP', 'gbp', 'EUR', 'USD', 'XXX'],
};

/** Texts that are not a real YYYY-MM-DD day: JS refuses them, and so must SQL. */
const notDates = ['2024-02-30', '01/02/2024', '2024-1-5', 'soon', '20240101'];

/**
 * The first column the model declares with each kind of derivation, a text column for a copy (the samples are
 * texts): the test reads real declarations.
 */
function declaredColumn(kind: SourceKind): WarehouseColumn {
  const column = warehouseModels
    .flatMap((model) => model.columns)
    .find((entry) => entry.derive.kind === kind && (kind !== 'copy' || entry.sql === 'varchar'));
  if (!column) throw new Error(`no column is derived by ${kind}`);
  return column;
}

/** The derivation computed in SQL over one source value, and whether it equals the JS value in the column's type. */
async function inSql(pool: pg.Pool, column: WarehouseColumn, source: string, expected: LakeValue) {
  if (!('from' in column.derive)) throw new Error('not a source derivation');
  const table = tableOf(column.derive.from);
  const name = columnOf(column.derive.from);
  const sourceSql = findSourceTable(table)?.columns.find((entry) => entry.name === name)?.sql ?? 'text';
  const expression = `(${derivationSql(column.derive)})::${column.sql}`;
  const { rows } = await pool.query<{ same: boolean; value: string }>(
    `SELECT ${expression} IS NOT DISTINCT FROM $2::${column.sql} AS same, ${expression}::text AS value
     FROM (SELECT $1::${peerStagingType(sourceSql)} AS ${q(name)}) AS ${q(table)}`,
    [source, expected],
  );
  return rows[0];
}

describe("each derivation's SQL form computes what its JS form computes", () => {
  let postgres: TestPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    pool = createPool(postgres.url('postgres'));
  });

  afterAll(async () => {
    await pool?.end();
    await postgres?.dispose();
  });

  it.each(Object.entries(samples).flatMap(([kind, values]) => values.map((value) => [kind, value] as const)))(
    'derives %s of %j alike in SQL and in JS',
    async (kind, value) => {
      const column = declaredColumn(kind as SourceKind);
      if (!('from' in column.derive)) throw new Error('not a source derivation');
      const expected = deriveValue(column.derive, {
        [tableOf(column.derive.from)]: { [columnOf(column.derive.from)]: value },
      });

      const derived = await inSql(pool, column, value, expected);

      expect(derived).toMatchObject({ same: true });
    },
  );

  it.each(notDates)('refuses %j as a date in SQL as JS does', async (text) => {
    const column = declaredColumn('parseDate');
    if (!('from' in column.derive)) throw new Error('not a source derivation');
    const rows = { [tableOf(column.derive.from)]: { [columnOf(column.derive.from)]: text } };
    expect(() => deriveValue(column.derive, rows)).toThrow(/YYYY-MM-DD/);

    await expect(inSql(pool, column, text, null)).rejects.toThrow(/date/);
  });

  it('gives every calendar part of every day from 2019 to 2026 alike in SQL and in JS', async () => {
    const calendar = warehouseModels.find((model) => model.build === 'calendar');
    if (!calendar) throw new Error('no calendar dimension');
    const parts = calendar.columns.map((column) => {
      if (column.derive.kind !== 'calendar') throw new Error('not a calendar part');
      const part = calendarPartSql(column.derive.part, 'days.day');
      // Dates as text, so that pg does not turn them into JS Dates.
      return `${column.derive.part === CalendarPart.date ? `(${part})::text` : part} AS ${q(column.name)}`;
    });

    const { rows } = await pool.query(
      `SELECT ${parts.join(', ')}
       FROM (SELECT series::date AS day FROM generate_series('2019-01-01'::date, '2026-12-31'::date, '1 day') AS series) AS days
       ORDER BY 1`,
    );

    expect(rows).toHaveLength(2922);
    expect(rows).toEqual(rows.map((row) => deriveCalendarRow(calendar, String(row.date_id))));
  });
});

import {
  type CalendarDimension,
  datesReferenced,
  deriveCalendarRow,
  deriveDimensionRow,
  deriveFactRow,
  type FactModel,
  type LakeColumn,
  type LakeValue,
  processedColumnsOf,
  type Row,
  type TableDimension,
  type WarehouseModel,
  warehouseModels,
} from '@totes/model';
import { createRandom, generateTotesys, type Random, type TotesysTable, totesysTables } from '@totes/totesys';

/**
 * Processed rows of `model` as the builders derive them from the project's generated totesys (at a small scale),
 * then `edges` more rows whose every column holds an edge value of its type: nulls where allowed, non-ASCII and
 * escaped text, negative and wide decimals, the first and last timestamps the lake holds.
 */
export function processedRows(model: WarehouseModel, edges = 200): Row[] {
  const derived = derivedRows(model);
  const random = createRandom(1, `edges:${model.name}`);
  const columns = processedColumnsOf(model);
  const extra = Array.from({ length: edges }, () =>
    Object.fromEntries(columns.map((column) => [column.name, edgeValue(column, random)])),
  );
  return [...derived, ...extra];
}

const generated = generateTotesys({ scale: 0.02 });
const sourceRows = new Map<string, Row[]>();

// Source rows in the lake's form: timestamps as `YYYY-MM-DDTHH:MM:SS.mmm`.
function rowsOf(table: string): Row[] {
  let rows = sourceRows.get(table);
  if (!rows) {
    rows = [...generated.rows(table as TotesysTable)].map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([name, value]) => [
          name,
          typeof value === 'string' && /^\d{4}-\d\d-\d\d \d\d:/.test(value) ? value.replace(' ', 'T') : value,
        ]),
      ),
    );
    sourceRows.set(table, rows);
  }
  return rows;
}

function derivedRows(model: WarehouseModel): Row[] {
  if (model.kind === 'fact') return rowsOf(model.primaryTable).map((row) => deriveFactRow(model, row));
  if (model.build === 'calendar') return calendarRows(model);
  return tableDimensionRows(model);
}

function tableDimensionRows(dimension: TableDimension): Row[] {
  const byKey = (table: string) => new Map(rowsOf(table).map((row) => [row[`${table}_id`], row]));
  const partners = dimension.joins.map((join) => ({ join, rows: byKey(join.table) }));
  return rowsOf(dimension.primaryTable).flatMap((row) => {
    const rows: Record<string, Row | undefined> = { [dimension.primaryTable]: row };
    for (const { join, rows: partner } of partners) rows[join.table] = partner.get(row[join.foreignKey]);
    const derived = deriveDimensionRow(dimension, rows);
    return derived ? [derived] : [];
  });
}

function calendarRows(calendar: CalendarDimension): Row[] {
  const facts = warehouseModels.filter((model): model is FactModel => model.kind === 'fact');
  const dates = new Set<string>();
  for (const table of totesysTables)
    for (const row of rowsOf(table)) for (const date of datesReferenced(facts, table, row)) dates.add(date);
  return [...dates].sort().map((date) => deriveCalendarRow(calendar, date));
}

const edgeTexts = [
  '',
  'Zürich — Straße 5',
  '東京都千代田区',
  'tote 🎒 bag',
  'tab\there',
  'line\nbreak',
  'carriage\rreturn',
  'C:\\totes\\bags',
  '\\N',
  `O'Hara, "Ltd"`,
  'ends with a backslash\\',
];

// Dates and timestamps within years 0001–9999: what PostgreSQL's text input takes (it has no year 0000, which the
// lake could hold).
function edgeValue(column: LakeColumn, random: Random): LakeValue {
  if (column.nullable && random.int(0, 3) === 0) return null;
  const pick = <T>(values: readonly T[]): T => random.pick(values);
  switch (column.lake) {
    case 'int32':
      return pick([0, 1, -1, 2_147_483_647, -2_147_483_648, random.int(-100_000, 100_000)]);
    case 'string':
      return pick(edgeTexts);
    case 'decimal': {
      const { precision, scale } = column.decimal ?? { precision: 10, scale: 2 };
      const whole = '9'.repeat(precision - scale);
      const fraction = scale > 0 ? `.${'9'.repeat(scale)}` : '';
      const cents = String(random.int(0, 99_999_999)).padStart(3, '0');
      return pick([
        `${whole}${fraction}`,
        `-${whole}${fraction}`,
        `0${scale > 0 ? `.${'0'.repeat(scale)}` : ''}`,
        scale >= 2 ? `-0.0${'5'.padEnd(scale - 1, '0')}` : '-5',
        scale === 2 ? `${cents.slice(0, -2)}.${cents.slice(-2)}` : '7',
      ]);
    }
    case 'boolean':
      return random.int(0, 1) === 1;
    case 'timestamp':
      return pick([
        '0001-01-01T00:00:00.000',
        '9999-12-31T23:59:59.999',
        '1969-12-31T23:59:59.999',
        '1970-01-01T00:00:00.000',
        '2024-02-29T12:34:56.789',
      ]);
    case 'date':
      return pick(['0001-01-01', '9999-12-31', '1969-12-31', '2000-02-29', '2024-11-15']);
    case 'time':
      return pick(['00:00:00.000', '23:59:59.999', '24:00:00.000', '09:05:03.007']);
  }
}

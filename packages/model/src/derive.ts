import { currencyName } from './currencies';
import { ModelError, ModelErrorCode } from './errors';
import { columnOf, tableOf } from './graph';
import type {
  CalendarDimension,
  CalendarPart,
  Derivation,
  FactModel,
  LakeColumn,
  LakeValue,
  Row,
  TableDimension,
  WarehouseModel,
} from './types';
import { LakeType } from './types';

/** The hidden column of every dimension that orders competing versions of one row; see {@link sourceVersionOf}. */
export const sourceVersionColumn = '_source_version';

/** What a derivation reads: the source row of each table it names. */
export type SourceRows = Readonly<Record<string, Row | undefined>>;

const dayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** Stands in for the version of a partner row that a left join did not find. */
const missingVersion = '0000-01-01T00:00:00.000';

/** Computes one warehouse value from the source rows. */
export function deriveValue(derive: Derivation, rows: SourceRows): LakeValue {
  if (derive.kind === 'calendar') {
    throw new ModelError(
      ModelErrorCode.invalidValue,
      'calendar columns are derived from a date, not source rows',
    );
  }
  const value = rows[tableOf(derive.from)]?.[columnOf(derive.from)] ?? null;
  if (value === null) return null;
  switch (derive.kind) {
    case 'copy':
      return value;
    case 'datePart':
      return String(value).slice(0, 10);
    case 'timePart':
      return String(value).slice(11, 23);
    case 'parseDate':
      return parseSourceDate(String(value), derive.from);
    case 'currencyName':
      return currencyName(String(value));
  }
}

/** One fact row from one version of its source row. */
export function deriveFactRow(fact: FactModel, source: Row): Row {
  const rows = { [fact.primaryTable]: source };
  return Object.fromEntries(fact.columns.map((column) => [column.name, deriveValue(column.derive, rows)]));
}

/**
 * One dimension row from its primary row and the partner rows its joins found, or null when an inner join
 * found no partner (the row is built again when the partner arrives).
 */
export function deriveDimensionRow(dimension: TableDimension, rows: SourceRows): Row | null {
  for (const join of dimension.joins) {
    if (join.type === 'inner' && !rows[join.table]) return null;
  }
  const row: Row = Object.fromEntries(
    dimension.columns.map((column) => [column.name, deriveValue(column.derive, rows)]),
  );
  row[sourceVersionColumn] = sourceVersionOf(dimension, rows);
  return row;
}

/**
 * The version of a dimension row: the primary row's `last_updated`, then each joined row's, as fixed-width text.
 * Compared as text it orders versions lexicographically, so a load never replaces a row with one built from older
 * sources, whatever order the loads arrive in.
 */
export function sourceVersionOf(dimension: TableDimension, rows: SourceRows): string {
  const tables = [dimension.primaryTable, ...dimension.joins.map((join) => join.table)];
  return tables.map((table) => String(rows[table]?.last_updated ?? missingVersion)).join('|');
}

/** The calendar row of one `YYYY-MM-DD` day. */
export function deriveCalendarRow(calendar: CalendarDimension, date: string): Row {
  return Object.fromEntries(
    calendar.columns.map((column) => {
      if (column.derive.kind !== 'calendar') {
        throw new ModelError(
          ModelErrorCode.invalidValue,
          `${calendar.name}.${column.name} must be a calendar part`,
        );
      }
      return [column.name, calendarPart(date, column.derive.part)];
    }),
  );
}

/** The dates that the facts built from these source rows reference: what dim_date must hold for them. */
export function datesReferenced(facts: readonly FactModel[], table: string, source: Row): string[] {
  const dates = new Set<string>();
  for (const fact of facts.filter((candidate) => candidate.primaryTable === table)) {
    for (const column of fact.columns) {
      if (column.references !== 'dim_date') continue;
      const value = deriveValue(column.derive, { [table]: source });
      if (typeof value === 'string') dates.add(value);
    }
  }
  return [...dates];
}

function calendarPart(date: string, part: CalendarPart): LakeValue {
  const day = new Date(`${date}T00:00:00.000Z`);
  const month = day.getUTCMonth();
  const isoDay = ((day.getUTCDay() + 6) % 7) + 1;
  switch (part) {
    case 'date':
      return date;
    case 'year':
      return day.getUTCFullYear();
    case 'month':
      return month + 1;
    case 'day':
      return day.getUTCDate();
    case 'dayOfWeek':
      return isoDay;
    case 'dayName':
      return dayNames[isoDay - 1] ?? null;
    case 'monthName':
      return monthNames[month] ?? null;
    case 'quarter':
      return Math.floor(month / 3) + 1;
  }
}

/** totesys keeps agreed dates as text; anything but a real `YYYY-MM-DD` day is refused, not guessed at. */
function parseSourceDate(text: string, from: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const parsed = match ? new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00.000Z`) : null;
  if (!match || !parsed || Number.isNaN(parsed.getTime()) || parsed.getUTCDate() !== Number(match[3])) {
    throw new ModelError(
      ModelErrorCode.invalidValue,
      `${from} holds "${text}", which is not a YYYY-MM-DD date`,
    );
  }
  return text.trim();
}

/** The columns of a model's processed Parquet: its warehouse columns, plus the source version of a dimension. */
export function processedColumnsOf(model: WarehouseModel): LakeColumn[] {
  const columns: LakeColumn[] = model.columns.map(({ name, lake, nullable }) => ({ name, lake, nullable }));
  if (model.kind === 'dimension' && model.build === 'table') {
    columns.push({ name: sourceVersionColumn, lake: LakeType.string, nullable: false });
  }
  return columns;
}

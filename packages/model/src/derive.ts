import { currencyName } from './currencies';
import { deletedAtColumn, deletedAtLakeColumn, marksDeletes } from './deletes';
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

/** Day names, ISO order (Monday first): dim_date.day_name in JS and in the peer's SQL. */
export const dayNames = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;
/** Month names, January first: dim_date.month_name in JS and in the peer's SQL. */
export const monthNames = [
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
  const { table, column, convert } = compiled(derive);
  const value = rows[table]?.[column] ?? null;
  return value === null ? null : convert(value);
}

/** A derivation made ready to run per row: where it reads from, and what it does to a non-null value. */
interface CompiledDerivation {
  readonly table: string;
  readonly column: string;
  readonly convert: (value: string | number | boolean) => LakeValue;
}

// Derivations are declared once and run for every row of every batch: split their `table.column` once.
const compiledDerivations = new WeakMap<Derivation, CompiledDerivation>();

function compiled(derive: Derivation): CompiledDerivation {
  const known = compiledDerivations.get(derive);
  if (known) return known;
  if (derive.kind === 'calendar') {
    throw new ModelError(
      ModelErrorCode.invalidValue,
      'calendar columns are derived from a date, not source rows',
    );
  }
  const from = derive.from;
  const convert = ((): CompiledDerivation['convert'] => {
    switch (derive.kind) {
      case 'copy':
        return (value) => value;
      case 'datePart':
        return (value) => String(value).slice(0, 10);
      case 'timePart':
        return (value) => String(value).slice(11, 23);
      case 'parseDate':
        return (value) => parseSourceDate(String(value), from);
      case 'currencyName':
        return (value) => currencyName(String(value));
    }
  })();
  const made = { table: tableOf(from), column: columnOf(from), convert };
  compiledDerivations.set(derive, made);
  return made;
}

/**
 * One fact row from one version of its source row. A tombstone (a source row found deleted) gives the final version
 * row: its last known values, `last_updated` at the deletion, and `_deleted_at` set.
 */
export function deriveFactRow(fact: FactModel, source: Row): Row {
  const row: Row = {};
  for (const { name, derive } of factColumnsOf(fact)) {
    const value = source[derive.column] ?? null;
    row[name] = value === null ? null : derive.convert(value);
  }
  row[deletedAtColumn] = source[deletedAtColumn] ?? null;
  return row;
}

const compiledFacts = new WeakMap<FactModel, readonly { name: string; derive: CompiledDerivation }[]>();

// A fact row is derived from its primary row alone, so each column reads that row directly.
function factColumnsOf(fact: FactModel): readonly { name: string; derive: CompiledDerivation }[] {
  let columns = compiledFacts.get(fact);
  if (!columns) {
    columns = fact.columns.map((column) => {
      const derive = compiled(column.derive);
      if (derive.table !== fact.primaryTable)
        throw new ModelError(
          ModelErrorCode.invalidValue,
          `${fact.name}.${column.name} reads ${derive.table}, not its primary table ${fact.primaryTable}`,
        );
      return { name: column.name, derive };
    });
    compiledFacts.set(fact, columns);
  }
  return columns;
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
  // Only the primary row's deletion deletes the dimension row; a deleted partner leaves its last known values.
  row[deletedAtColumn] = rows[dimension.primaryTable]?.[deletedAtColumn] ?? null;
  return row;
}

/**
 * The version of a dimension row: the primary row's `last_updated`, then each joined row's, as fixed-width text.
 * Compared as text it orders versions lexicographically, so a load never replaces a row with one built from older
 * sources, whatever order the loads arrive in.
 */
export function sourceVersionOf(dimension: TableDimension, rows: SourceRows): string {
  const tables = [dimension.primaryTable, ...dimension.joins.map((join) => join.table)];
  return tables.map((table) => sourceVersionPart(rows[table])).join(sourceVersionSeparator);
}

/** The source column whose value is each table's part of a {@link sourceVersionOf}. */
export const sourceVersionFrom = 'last_updated';

/** What separates the tables' parts of a {@link sourceVersionOf}. */
export const sourceVersionSeparator = '|';

/** One table's part of a {@link sourceVersionOf}: its row's `last_updated`, or the oldest version when missing. */
export function sourceVersionPart(row: Row | undefined): string {
  return String(row?.[sourceVersionFrom] ?? missingVersion);
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
  for (const fact of facts) {
    if (fact.primaryTable !== table) continue;
    for (const derive of dateColumnsOf(fact)) {
      const value = source[derive.column] ?? null;
      const date = value === null ? null : derive.convert(value);
      if (typeof date === 'string') dates.add(date);
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
  if (validSourceDates.has(text)) return text;
  const trimmed = text.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  const parsed = match ? new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00.000Z`) : null;
  if (!match || !parsed || Number.isNaN(parsed.getTime()) || parsed.getUTCDate() !== Number(match[3])) {
    throw new ModelError(
      ModelErrorCode.invalidValue,
      `${from} holds "${text}", which is not a YYYY-MM-DD date`,
    );
  }
  // A few thousand distinct days recur across millions of rows: remember the canonical ones (bounded).
  if (trimmed === text && validSourceDates.size < 100_000) validSourceDates.add(text);
  return trimmed;
}

const validSourceDates = new Set<string>();

const compiledDateColumns = new WeakMap<FactModel, readonly CompiledDerivation[]>();

// The fact's columns that reference dim_date.
function dateColumnsOf(fact: FactModel): readonly CompiledDerivation[] {
  let columns = compiledDateColumns.get(fact);
  if (!columns) {
    const all = factColumnsOf(fact);
    columns = fact.columns.flatMap((column, index) =>
      column.references === 'dim_date' && all[index] ? [all[index].derive] : [],
    );
    compiledDateColumns.set(fact, columns);
  }
  return columns;
}

/**
 * The columns of a model's processed Parquet: its warehouse columns, plus the source version of a dimension, plus
 * `_deleted_at` for a model that marks deletes.
 */
export function processedColumnsOf(model: WarehouseModel): LakeColumn[] {
  // The lake's view of each column: its decimal shape too, so the lake stores DECIMAL(p,s).
  const columns: LakeColumn[] = model.columns.map(({ name, lake, nullable, decimal }) =>
    decimal ? { name, lake, nullable, decimal } : { name, lake, nullable },
  );
  if (model.kind === 'dimension' && model.build === 'table') {
    columns.push({ name: sourceVersionColumn, lake: LakeType.string, nullable: false });
  }
  if (marksDeletes(model)) columns.push(deletedAtLakeColumn);
  return columns;
}

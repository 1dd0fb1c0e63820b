import { currencyNames } from './currencies';
import { dayNames, monthNames } from './derive';
import { ModelError, ModelErrorCode } from './errors';
import { columnOf, tableOf } from './graph';
import type { CalendarPart, ColumnRef, Derivation } from './types';

/** A SQL identifier, double-quoted (as `pg.escapeIdentifier` does): identifiers come from the model only. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal of a model constant (a currency or day name), never of a row's value. */
function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** How a generated expression reads a source column: `"table"."column"`, the table aliased by its own name. */
export function sourceColumnSql(ref: ColumnRef): string {
  return `${sqlIdentifier(tableOf(ref))}.${sqlIdentifier(columnOf(ref))}`;
}

// JS trims with String.prototype.trim; these are the whitespace characters a source text column can hold.
const trimmed = (value: string) => `btrim(${value}, E' \\t\\n\\r\\f\\v')`;

/**
 * The SQL expression of a derivation over source columns: the same value as {@link deriveValue} computes in JS,
 * for the in-database rebuild (the ELT peer of the benchmark). Each kind of {@link Derivation} has its JS form in
 * derive.ts and its SQL form here; the switch is exhaustive, so a new kind cannot be added to one and not the other.
 * A null source value gives null, as in JS.
 */
export function derivationSql(derive: Derivation): string {
  if (derive.kind === 'calendar') {
    throw new ModelError(
      ModelErrorCode.invalidValue,
      'calendar columns are derived from a date, not source rows',
    );
  }
  const value = sourceColumnSql(derive.from);
  switch (derive.kind) {
    case 'copy':
      return value;
    case 'datePart':
      return `(${value})::date`;
    case 'timePart':
      return `(${value})::time(3)`;
    case 'parseDate':
      // Only a real YYYY-MM-DD day, as in JS: an impossible day fails the cast, and any other text fails a cast of
      // the message that says why, so a bad source value stops the rebuild instead of being guessed at.
      return `CASE WHEN ${trimmed(value)} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN ${trimmed(value)}::date ELSE ('not a YYYY-MM-DD date: ' || ${value})::date END`;
    case 'currencyName':
      return `CASE upper(${value}) ${Object.entries(currencyNames)
        .map(([code, name]) => `WHEN ${sqlLiteral(code)} THEN ${sqlLiteral(name)}`)
        .join(' ')} ELSE ${value} END`;
  }
}

/** The SQL expression of one part of the calendar day `date` (a SQL expression of type date): as {@link deriveCalendarRow}. */
export function calendarPartSql(part: CalendarPart, date: string): string {
  const field = (name: string) => `extract(${name} from ${date})::integer`;
  const names = (list: readonly string[], index: string) =>
    `(ARRAY[${list.map(sqlLiteral).join(', ')}])[${index}]`;
  switch (part) {
    case 'date':
      return date;
    case 'year':
      return field('year');
    case 'month':
      return field('month');
    case 'day':
      return field('day');
    case 'dayOfWeek':
      return field('isodow');
    case 'dayName':
      return names(dayNames, field('isodow'));
    case 'monthName':
      return names(monthNames, field('month'));
    case 'quarter':
      return field('quarter');
  }
}

import { columnOf, factModels, type SourceTable, type WarehouseColumn } from '@totes/model';
import { type ColumnBatch, deriveVector, isValidAt } from '@totes/runtime';
import { Type } from 'apache-arrow';

/** The columns of the facts built from a table that reference dim_date: where the calendar's days come from. */
export function dateColumnsOf(table: SourceTable): WarehouseColumn[] {
  return factModels
    .filter((fact) => fact.primaryTable === table.name)
    .flatMap((fact) => fact.columns.filter((column) => column.references === 'dim_date'));
}

/** The columns of a table that the facts' dates are derived from: all the calendar build reads of it. */
export function dateSourceColumns(table: SourceTable): SourceTable['columns'] {
  const names = new Set<string>();
  for (const column of dateColumnsOf(table))
    if ('from' in column.derive && column.derive.from.startsWith(`${table.name}.`))
      names.add(columnOf(column.derive.from));
  return table.columns.filter((column) => names.has(column.name));
}

/**
 * Adds to `days` every day (days since 1970-01-01) that the facts built from a batch of the table's rows reference:
 * each fact date column derived over the whole batch as the fact-builder derives it (a timestamp's day, a source
 * date's text parsed), then read as integers. No object and no string per row.
 *
 * @throws {@link ModelError} when a source date is not a date, as the row path.
 */
export function addDaysReferenced(table: SourceTable, batch: ColumnBatch, days: Set<number>): void {
  const raw = new Map(batch.columns.map((vector) => [vector.column.name, vector]));
  for (const column of dateColumnsOf(table)) {
    if (!('from' in column.derive)) continue;
    // Read as nullable: a null source date references no day (the fact's own build refuses it where it must).
    const asDay = { ...column, nullable: true };
    const data = deriveVector(column.derive, asDay, raw.get(columnOf(column.derive.from)), batch.length);
    if (data?.typeId !== Type.Date) continue; // a fact's date column is always a day
    const values = data.values as Int32Array;
    let last = Number.NaN; // neighbouring rows mostly share their day: skip the set for a repeat
    for (let index = 0; index < batch.length; index++) {
      const day = values[data.offset + index] as number;
      if (day === last || !isValidAt(data, index)) continue;
      days.add(day);
      last = day;
    }
  }
}

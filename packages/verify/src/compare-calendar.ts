import { type CalendarDimension, deriveCalendarRow, type Row } from '@totes/model';
import { checkResult, counted, createDifferenceLog } from './differences';
import { CheckName, type CheckResult, DifferenceKind } from './types';
import { sameValue } from './values';

/**
 * Checks a calendar dimension: every date that a fact row references must be one of its rows, and each row's parts
 * must equal the model's calendar for that date. Rows no fact references are counted, not reported: the calendar
 * only ever grows.
 */
export function compareCalendar(
  calendar: CalendarDimension,
  referencedDates: ReadonlySet<string>,
  rows: readonly Row[],
  sampleLimit: number,
): CheckResult {
  const log = createDifferenceLog(sampleLimit);
  const held = new Set<string>();
  const dateOf = (row: Row) => String(row[calendar.key]);
  const ordered = [...rows].sort((a, b) => (dateOf(a) < dateOf(b) ? -1 : dateOf(a) > dateOf(b) ? 1 : 0));
  for (const row of ordered) {
    const date = dateOf(row);
    held.add(date);
    const expected = deriveCalendarRow(calendar, date);
    for (const column of calendar.columns) {
      const source = expected[column.name] ?? null;
      const warehouse = row[column.name] ?? null;
      if (!sameValue(column.lake, source, warehouse)) {
        log.add({
          kind: DifferenceKind.value,
          key: { [calendar.key]: date },
          column: column.name,
          source,
          warehouse,
        });
      }
    }
  }
  for (const date of [...referencedDates].sort()) {
    if (held.has(date)) continue;
    log.add({
      kind: DifferenceKind.missing,
      key: { [calendar.key]: date },
      column: null,
      source: 'row',
      warehouse: null,
    });
  }
  const unreferenced = [...held].filter((date) => !referencedDates.has(date)).length;
  return checkResult(
    CheckName.calendarDays,
    calendar.name,
    `${counted(referencedDates.size, 'date')} referenced by facts, ${counted(held.size, 'calendar row')} (${unreferenced} unreferenced)`,
    log,
  );
}

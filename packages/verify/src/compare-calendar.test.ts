import { type CalendarDimension, deriveCalendarRow, findModel } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { compareCalendar } from './compare-calendar';
import { CheckName, DifferenceKind } from './types';

const dimDate = findModel('dim_date') as CalendarDimension;
const day = (date: string) => deriveCalendarRow(dimDate, date);

describe('compareCalendar', () => {
  it('passes when every referenced date is a calendar row with the right parts, extra days allowed', () => {
    const check = compareCalendar(
      dimDate,
      new Set(['2024-01-01']),
      [day('2024-01-01'), day('2024-01-02')],
      20,
    );

    expect(check).toMatchObject({ name: CheckName.calendarDays, table: 'dim_date', ok: true });
    expect(check.summary).toBe('1 date referenced by facts, 2 calendar rows (1 unreferenced)');
  });

  it('reports a date that a fact references and the calendar lacks', () => {
    const check = compareCalendar(dimDate, new Set(['2024-01-01', '2024-03-31']), [day('2024-01-01')], 20);

    expect(check.differences).toEqual([
      {
        kind: DifferenceKind.missing,
        key: { date_id: '2024-03-31' },
        column: null,
        source: 'row',
        warehouse: null,
      },
    ]);
  });

  it('reports a calendar part that disagrees with the model, naming the day and both values', () => {
    const sunday = { ...day('2024-03-31'), day_of_week: 0 };

    const check = compareCalendar(dimDate, new Set(['2024-03-31']), [sunday], 20);

    expect(check.differences).toEqual([
      {
        kind: DifferenceKind.value,
        key: { date_id: '2024-03-31' },
        column: 'day_of_week',
        source: 7,
        warehouse: 0,
      },
    ]);
  });
});

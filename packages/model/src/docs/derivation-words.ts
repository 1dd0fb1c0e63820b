import type { CalendarPart, Derivation } from '../types';
import { code } from './markdown';

/** Each part of a calendar day, in words. */
export const calendarPartWords = {
  date: `the day itself, ${code('YYYY-MM-DD')}`,
  year: 'calendar year',
  month: 'month number, 1 = January … 12 = December',
  day: 'day of the month, 1 … 31',
  dayOfWeek: 'ISO day of week, 1 = Monday … 7 = Sunday',
  dayName: 'English day name, Monday … Sunday',
  monthName: 'English month name, January … December',
  quarter: 'calendar quarter, 1 = January–March … 4 = October–December',
} as const satisfies Readonly<Record<CalendarPart, string>>;

/** How a warehouse column is computed, in words an analyst can check against the source. */
export function describeDerivation(derive: Derivation): string {
  switch (derive.kind) {
    case 'copy':
      return `copy of ${code(derive.from)}`;
    case 'datePart':
      return `date part of ${code(derive.from)}`;
    case 'timePart':
      return `time part of ${code(derive.from)}, with milliseconds`;
    case 'parseDate':
      return `${code('YYYY-MM-DD')} text of ${code(derive.from)} cast to date; any other text is refused, not guessed at`;
    case 'currencyName':
      return `ISO 4217 name looked up from ${code(derive.from)}; an unknown code keeps the code as its name`;
    case 'calendar':
      return calendarPartWords[derive.part];
  }
}

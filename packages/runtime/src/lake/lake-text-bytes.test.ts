import { describe, expect, it } from 'vitest';
import { readDecimal, writeDecimal } from './lake-decimals';
import {
  decimalTextBytes,
  maxTextBytes,
  writeDateText,
  writeDecimalText,
  writeIntText,
  writeTimestampText,
  writeTimeText,
} from './lake-text-bytes';
import { formatDate, formatTime, formatTimestamp, parseDate } from './lake-values';

const buffer = Buffer.alloc(64);

/** What a writer wrote for one value, as text, checking it kept within `max` bytes. */
function written(write: (out: Uint8Array, at: number) => number, max: number): string {
  buffer.fill(0);
  const end = write(buffer, 3);
  const text = buffer.toString('latin1', 3, end);
  return end - 3 <= max ? text : `${text} is longer than ${max} bytes`;
}

const firstDay = parseDate('0000-01-01') as number;
const lastDay = parseDate('9999-12-31') as number;

describe('the text writers write what the formatters format', () => {
  it('writes every 97th day from 0000-01-01 to 9999-12-31, and both ends, as formatDate', () => {
    const days = [firstDay, lastDay, -1, 0, 11_016];
    for (let day = firstDay; day <= lastDay; day += 97) days.push(day);

    // Twice: the second time from the cache of day texts.
    const twice = [...days, ...days];
    const texts = twice.map((day) => written((out, at) => writeDateText(out, at, day), maxTextBytes.date));

    expect(texts).toEqual(twice.map(formatDate));
  });

  it('writes every 997th millisecond of the day, midnight and 24:00 included, as formatTime', () => {
    const times = [0, 1, 999, 1000, 86_399_999, 86_400_000];
    for (let ms = 0; ms <= 86_400_000; ms += 997) times.push(ms);

    const texts = times.map((ms) => written((out, at) => writeTimeText(out, at, ms), maxTextBytes.time));

    expect(texts).toEqual(times.map(formatTime));
  });

  it('writes timestamps across the years 0000–9999, before 1970 included, as formatTimestamp', () => {
    const first = firstDay * 86_400_000;
    const last = lastDay * 86_400_000 + 86_399_999;
    const stamps = [first, last, -1, 0, 1_700_000_000_123];
    for (let index = 0; index < 5_000; index++)
      stamps.push(Math.floor(first + ((last - first) * index) / 4_999));

    const texts = stamps.map((ms) =>
      written((out, at) => writeTimestampText(out, at, ms), maxTextBytes.timestamp),
    );

    expect(texts).toEqual(stamps.map(formatTimestamp));
  });

  it.each([0, 7, -7, 10, 2_147_483_647, -2_147_483_648, 1_000_000])(
    'writes the integer %i as String does',
    (value) => {
      expect(written((out, at) => writeIntText(out, at, value), maxTextBytes.int32)).toBe(String(value));
    },
  );

  it.each([
    ['0.00', 10, 2],
    ['0.05', 10, 2],
    ['-0.05', 10, 2],
    ['12.30', 10, 2],
    ['-99999999.99', 10, 2],
    ['999999999999999', 15, 0],
    ['-999999999999.999', 15, 3],
    ['9999999999999999', 16, 0],
    ['-99999999999999999999999999999.999999999', 38, 9],
    ['0.000000001', 38, 9],
    ['170141183460469231731687303715884105727', 39, 0],
  ])('writes the decimal %s (precision %i, scale %i) as readDecimal does', (text, precision, scale) => {
    const words = new Uint32Array(8);
    expect(writeDecimal(text, { precision, scale }, words, 1)).toBe(true);

    expect(written((out, at) => writeDecimalText(out, at, words, 1, scale), decimalTextBytes)).toBe(
      readDecimal(words, 1, scale),
    );
    expect(readDecimal(words, 1, scale)).toBe(text);
  });
});

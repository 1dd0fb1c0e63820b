import { LakeType, numeric, type SourceColumn } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { coerceValue, type FileValue } from './coerce';

/** A timestamp[ns] as pandas writes it. */
const ns = (iso: string): FileValue => ({
  kind: 'timestamp',
  count: BigInt(Date.parse(`${iso}Z`)) * 1_000_000n,
  unit: 'ns',
});

const column = (lake: SourceColumn['lake'], extra: Partial<SourceColumn> = {}): SourceColumn => ({
  name: 'c',
  sql: 'text',
  lake,
  nullable: false,
  ...extra,
});
const int4 = column(LakeType.int32, { sql: 'integer' });
const price = column(LakeType.decimal, numeric(10, 2));
const stamp = column(LakeType.timestamp, { sql: 'timestamp(3)' });

describe('coerceValue', () => {
  it.each([
    [int4, '42', 42],
    [int4, '-7.00', -7],
    [price, '12.3', '12.30'],
    [price, '-0.50', '-0.50'],
    [price, '-0.00', '0.00'],
    [price, '007', '7.00'],
    [price, '1.2500', '1.25'],
    [column(LakeType.boolean, { sql: 'boolean' }), 't', true],
    [column(LakeType.boolean, { sql: 'boolean' }), 'FALSE', false],
    [stamp, '2024-02-29 10:11:12.5', '2024-02-29T10:11:12.500'],
    [stamp, '2024-02-29T10:11:12', '2024-02-29T10:11:12.000'],
    [stamp, '2024-02-29 10:11:12.123000', '2024-02-29T10:11:12.123'],
    [column(LakeType.string), '', ''],
  ])('converts %o %j exactly to %j', (target, text, value) => {
    expect(coerceValue(target, text)).toEqual({ ok: true, value });
  });

  it.each([
    [int4, String(2 ** 40), /out of range for a 32-bit integer/],
    [int4, '1.5', /not an integer/],
    [price, '1.005', /more than 2 decimal places/],
    [price, '123456789.00', /does not fit numeric\(10,2\)/],
    [price, 'ten', /not a decimal number/],
    [stamp, '2023-02-29 00:00:00', /not a timestamp/],
    [stamp, '2024-04-31 00:00:00', /not a timestamp/],
    [stamp, '2024-01-01 24:00:00', /not a timestamp/],
    [stamp, '2024-01-01 00:00:00.1234', /finer than milliseconds/],
    [column(LakeType.boolean, { sql: 'boolean' }), 'maybe', /not a boolean/],
    [column(LakeType.boolean, { sql: 'boolean' }), 'constructor', /not a boolean/],
    [column(LakeType.string, { sql: 'character varying(3)' }), 'EURO', /longer than 3 characters/],
  ])('refuses what cannot be stored exactly: %o %j', (target, text, reason) => {
    const coerced = coerceValue(target, text);

    expect(coerced.ok).toBe(false);
    expect(coerced.ok ? '' : coerced.reason).toMatch(reason);
  });

  it.each([
    ['an int64 in range into int4', int4, 42, 42],
    ['a bigint int64 into int4', int4, 7n, 7],
    ['a whole double into int4', int4, 3.0, 3],
    ['a float64 price into numeric(10,2)', price, 12.3, '12.30'],
    ['a float64 that is the nearest double to 0.07', price, 0.07, '0.07'],
    ['a negative float64 price', price, -1234.5, '-1234.50'],
    ['a negative zero', price, -0, '0.00'],
    ['an integer into numeric(10,2)', price, 99999999n, '99999999.00'],
    ['a boolean', column(LakeType.boolean, { sql: 'boolean' }), true, true],
    ['an integer into text', column(LakeType.string), 1803, '1803'],
    ['a timestamp[ns] whole in ms', stamp, ns('2024-02-29T10:11:12.345'), '2024-02-29T10:11:12.345'],
    [
      'a timestamp[us]',
      stamp,
      { kind: 'timestamp', count: 1_000_000n, unit: 'us' },
      '1970-01-01T00:00:01.000',
    ],
    ['a timestamp[s]', stamp, { kind: 'timestamp', count: 60n, unit: 's' }, '1970-01-01T00:01:00.000'],
    ['a date32 into a timestamp', stamp, { kind: 'date', days: 1 }, '1970-01-02T00:00:00.000'],
    [
      'a date32 into a text date column',
      column(LakeType.string),
      { kind: 'date', days: 19782 },
      '2024-02-29',
    ],
    ['a text date into a date', column(LakeType.date, { sql: 'date' }), '2024-02-29', '2024-02-29'],
    [
      'a time64[us] into a time',
      column(LakeType.time, { sql: 'time(3)' }),
      { kind: 'time', count: 3_723_004_000n, unit: 'us' },
      '01:02:03.004',
    ],
    [
      'a midnight timestamp into a date',
      column(LakeType.date, { sql: 'date' }),
      ns('2024-02-29T00:00:00.000'),
      '2024-02-29',
    ],
  ] as const)('converts %s exactly', (_case, target, value, expected) => {
    expect(coerceValue(target, value as FileValue)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [
      'a float64 that is no 2-place decimal (1.005001)',
      price,
      1.005001,
      '1.005001 is not exactly a numeric(10,2) value (the nearest is 1.01)',
    ],
    [
      'a float64 sum that missed its decimal',
      price,
      0.1 + 0.2,
      '0.30000000000000004 is not exactly a numeric(10,2) value (the nearest is 0.30)',
    ],
    ['2^40 into int4', int4, 2 ** 40, '1099511627776 is out of range for a 32-bit integer'],
    [
      'an int64 beyond 2^53 into int4',
      int4,
      2n ** 60n,
      '1152921504606846976 is out of range for a 32-bit integer',
    ],
    ['a fractional double into int4', int4, 1.5, '1.5 is not an integer'],
    ['a price too wide for its precision', price, 123456789.5, '"123456789.50" does not fit numeric(10,2)'],
    ['NaN into numeric', price, Number.NaN, 'NaN is not a decimal number'],
    [
      'a timestamp[ns] finer than a millisecond',
      stamp,
      { kind: 'timestamp', count: 1_000_001n, unit: 'ns' },
      'timestamp 1000001 ns is finer than milliseconds: it cannot be stored exactly',
    ],
    [
      'a timestamp past midnight into a date',
      column(LakeType.date, { sql: 'date' }),
      ns('2024-02-29T00:00:00.001'),
      'timestamp 1709164800001000000 ns is not a date this column can hold exactly',
    ],
    ['a number into a timestamp', stamp, 1700000000000, '1700000000000 is not a timestamp'],
    ['a fractional double into text', column(LakeType.string), 1.5, '1.5 is not text'],
    ['a boolean into int4', int4, true, 'true is not an integer'],
  ] as const)('refuses %s, saying why', (_case, target, value, reason) => {
    expect(coerceValue(target, value as FileValue)).toEqual({ ok: false, reason });
  });

  it('keeps NULL in a nullable column and refuses it in a required one', () => {
    expect(coerceValue({ ...int4, nullable: true }, null)).toEqual({ ok: true, value: null });
    expect(coerceValue(int4, null)).toMatchObject({ ok: false, reason: expect.stringMatching(/required/) });
  });
});

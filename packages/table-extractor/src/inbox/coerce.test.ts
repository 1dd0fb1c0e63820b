import { LakeType, numeric, type SourceColumn } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { coerceValue } from './coerce';

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
    [column(LakeType.string, { sql: 'character varying(3)' }), 'EURO', /longer than 3 characters/],
  ])('refuses what cannot be stored exactly: %o %j', (target, text, reason) => {
    const coerced = coerceValue(target, text);

    expect(coerced.ok).toBe(false);
    expect(coerced.ok ? '' : coerced.reason).toMatch(reason);
  });

  it('keeps NULL in a nullable column and refuses it in a required one', () => {
    expect(coerceValue({ ...int4, nullable: true }, null)).toEqual({ ok: true, value: null });
    expect(coerceValue(int4, null)).toMatchObject({ ok: false, reason: expect.stringMatching(/required/) });
  });
});

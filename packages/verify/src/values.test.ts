import { LakeType } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { VerifyError } from './errors';
import { compareKeys, keyOf, sameValue } from './values';

describe('sameValue', () => {
  it('compares decimals by their number, so the scale Postgres prints does not matter', () => {
    expect(sameValue(LakeType.decimal, '12.3', '12.30')).toBe(true);
    expect(sameValue(LakeType.decimal, '12.30', '12.31')).toBe(false);
  });

  it('compares everything else exactly, and null only with null', () => {
    expect(sameValue(LakeType.string, 'Suede', 'Suede')).toBe(true);
    expect(sameValue(LakeType.string, 'Suede', 'suede')).toBe(false);
    expect(sameValue(LakeType.int32, 3, '3')).toBe(false);
    expect(sameValue(LakeType.string, null, null)).toBe(true);
    expect(sameValue(LakeType.string, null, '')).toBe(false);
  });
});

describe('keys', () => {
  it('orders integer keys by value, as the warehouse sorts them', () => {
    expect([10, 9, 100].sort(compareKeys)).toEqual([9, 10, 100]);
  });

  it('refuses a row whose key is null', () => {
    expect(() => keyOf({ design_id: null }, 'design_id')).toThrow(VerifyError);
  });
});

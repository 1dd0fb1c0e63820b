import { type LakeType, LakeType as LakeTypes, type LakeValue } from '@totes/model';
import { decimalsEqual, parseDecimal } from './decimal';
import { VerifyError, VerifyErrorCode } from './errors';

/** A row key: the integer ids of totesys, or text. */
export type Key = number | string;

/**
 * Whether two values of one lake type are equal: decimals by their number (`'1.5'` equals `'1.50'`), everything
 * else exactly, null only equal to null.
 */
export function sameValue(lake: LakeType, a: LakeValue, b: LakeValue): boolean {
  if (a === null || b === null) return a === b;
  if (lake === LakeTypes.decimal) {
    try {
      return decimalsEqual(parseDecimal(a), parseDecimal(b));
    } catch {
      return a === b;
    }
  }
  return a === b;
}

/** Orders keys as the warehouse's integer keys sort: numbers by value, text by code point. */
export function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The key a row holds in `column`; throws a {@link VerifyError} when it holds none. */
export function keyOf(row: Readonly<Record<string, LakeValue>>, column: string): Key {
  const value = row[column];
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw new VerifyError(
    VerifyErrorCode.invalidKey,
    `a row holds ${value === undefined ? 'no column' : String(value)} ${column}, not a key`,
  );
}

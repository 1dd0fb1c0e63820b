import type { LakeValue } from '@totes/model';
import { VerifyError, VerifyErrorCode } from './errors';

/** An exact decimal: `units / 10^scale`. Money is summed this way, never through a float. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Zero, at scale 0. */
export const zeroDecimal: Decimal = { units: 0n, scale: 0 };

const decimalText = /^([+-]?)(\d+)(?:\.(\d*))?$/;

/** Reads a decimal from its exact text (`'12.30'`) or an integer; throws a {@link VerifyError} on anything else. */
export function parseDecimal(value: LakeValue): Decimal {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return { units: BigInt(value), scale: 0 };
  const match = typeof value === 'string' ? decimalText.exec(value.trim()) : null;
  if (!match) throw new VerifyError(VerifyErrorCode.invalidValue, `${String(value)} is not an exact decimal`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

function rescale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** The exact sum of two decimals, at the larger of their scales. */
export function addDecimals(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

/** Whether two decimals are the same number, whatever their scales (`1.5` equals `1.50`). */
export function decimalsEqual(a: Decimal, b: Decimal): boolean {
  const scale = Math.max(a.scale, b.scale);
  return rescale(a, scale) === rescale(b, scale);
}

/** The decimal as text with its scale: `{ units: -1230n, scale: 2 }` is `'-12.30'`. */
export function formatDecimal(value: Decimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = value.scale > 0 ? `.${digits.slice(digits.length - value.scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

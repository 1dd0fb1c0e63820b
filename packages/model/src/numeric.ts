import { type DecimalShape, LakeType } from './types';

/**
 * The type of a `numeric(precision, scale)` column, once: its SQL, its lake type and its decimal shape, so the
 * warehouse DDL and the lake's Parquet `DECIMAL(p,s)` cannot disagree.
 */
export function numeric(
  precision: number,
  scale: number,
): { readonly sql: string; readonly lake: typeof LakeType.decimal; readonly decimal: DecimalShape } {
  return { sql: `numeric(${precision},${scale})`, lake: LakeType.decimal, decimal: { precision, scale } };
}

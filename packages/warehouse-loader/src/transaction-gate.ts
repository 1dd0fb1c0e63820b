import { createGate, type Gate } from '@totes/runtime';

/** Lets at most `width` load transactions run at once; the others wait, first come first served. */
export type TransactionGate = Pick<Gate, 'run'>;

/**
 * A gate of `width` places. The loader passes every load transaction through one, process-wide, so the parts in
 * hand (a part's bytes, its decoded columns and its COPY tuples, a few MB each) are bounded by the gate's width,
 * not by how many messages and chunks happen to be under way at once.
 */
export function createTransactionGate(width: number): TransactionGate {
  return createGate(width);
}

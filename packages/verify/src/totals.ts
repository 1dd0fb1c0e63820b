import type { LakeValue, Row } from '@totes/model';
import {
  addDecimals,
  type Decimal,
  decimalsEqual,
  formatDecimal,
  parseDecimal,
  zeroDecimal,
} from './decimal';
import type { DifferenceLog } from './differences';
import { DifferenceKind } from './types';
import { compareKeys } from './values';

/** The row count and the exact measure sums of one group of rows. */
export interface GroupTotals {
  /** The value the group's rows share in the grouping column; null for a whole table. */
  readonly value: LakeValue;
  rows: number;
  readonly sums: Map<string, Decimal>;
}

/** Row counts and exact sums of some measures, per value of a grouping column. */
export interface Totals {
  /** Adds one row to the group of `value`. */
  add(value: LakeValue, row: Row): void;
  readonly groups: ReadonlyMap<string, GroupTotals>;
}

/** Empty {@link Totals} over these measure columns. */
export function createTotals(measures: readonly string[]): Totals {
  const groups = new Map<string, GroupTotals>();
  return {
    groups,
    add(value, row) {
      // JSON keeps 1 and '1' apart, so a type mismatch between the sides shows as two groups.
      const id = JSON.stringify(value);
      let group = groups.get(id);
      if (!group) {
        group = { value, rows: 0, sums: new Map(measures.map((measure) => [measure, zeroDecimal])) };
        groups.set(id, group);
      }
      group.rows += 1;
      for (const measure of measures) {
        const amount = row[measure];
        if (amount === null || amount === undefined) continue;
        group.sums.set(measure, addDecimals(group.sums.get(measure) ?? zeroDecimal, parseDecimal(amount)));
      }
    },
  };
}

/** `sum(<measure>)`: how an aggregate difference names a sum. */
export function sumColumn(measure: string): string {
  return `sum(${measure})`;
}

function orderOf(a: GroupTotals, b: GroupTotals): number {
  if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? 0 : -1) : 1;
  return compareKeys(
    typeof a.value === 'number' ? a.value : String(a.value),
    typeof b.value === 'number' ? b.value : String(b.value),
  );
}

/**
 * Compares the totals of both sides group by group, in group order, adding one `aggregate` difference per count or
 * sum that differs. `groupColumn` names the grouping column in the differences' keys; none for a whole table.
 * Returns how many groups were compared.
 */
export function compareTotals(
  groupColumn: string | undefined,
  measures: readonly string[],
  source: Totals,
  warehouse: Totals,
  log: DifferenceLog,
): number {
  const ids = new Set([...source.groups.keys(), ...warehouse.groups.keys()]);
  const pairs = [...ids].map((id) => ({
    source: source.groups.get(id),
    warehouse: warehouse.groups.get(id),
  }));
  const groupOf = (pair: (typeof pairs)[number]) => (pair.source ?? pair.warehouse) as GroupTotals;
  pairs.sort((a, b) => orderOf(groupOf(a), groupOf(b)));
  for (const pair of pairs) {
    const key = groupColumn === undefined ? {} : { [groupColumn]: groupOf(pair).value };
    const sourceRows = pair.source?.rows ?? 0;
    const warehouseRows = pair.warehouse?.rows ?? 0;
    if (sourceRows !== warehouseRows) {
      log.add({
        kind: DifferenceKind.aggregate,
        key,
        column: 'rows',
        source: sourceRows,
        warehouse: warehouseRows,
      });
    }
    for (const measure of measures) {
      const sourceSum = pair.source?.sums.get(measure) ?? zeroDecimal;
      const warehouseSum = pair.warehouse?.sums.get(measure) ?? zeroDecimal;
      if (!decimalsEqual(sourceSum, warehouseSum)) {
        log.add({
          kind: DifferenceKind.aggregate,
          key,
          column: sumColumn(measure),
          source: formatDecimal(sourceSum),
          warehouse: formatDecimal(warehouseSum),
        });
      }
    }
  }
  return pairs.length;
}

import { type CheckName, type CheckResult, type Difference, DifferenceKind } from './types';

/** Collects the differences of one check: keeps the first few as examples and counts them all, by kind. */
export interface DifferenceLog {
  add(difference: Difference): void;
  /** How many differences were added in all. */
  readonly count: number;
  /** The first differences added, at most the sample limit. */
  readonly sample: readonly Difference[];
  /** How many of each kind were added. */
  countOf(kind: DifferenceKind): number;
}

/** A {@link DifferenceLog} keeping at most `sampleLimit` examples. */
export function createDifferenceLog(sampleLimit: number): DifferenceLog {
  const sample: Difference[] = [];
  const byKind = new Map<DifferenceKind, number>();
  let count = 0;
  return {
    add(difference) {
      count += 1;
      byKind.set(difference.kind, (byKind.get(difference.kind) ?? 0) + 1);
      if (sample.length < sampleLimit) sample.push(difference);
    },
    get count() {
      return count;
    },
    sample,
    countOf: (kind) => byKind.get(kind) ?? 0,
  };
}

/** `1 missing, 2 value`: the counts of the kinds a log holds, in the order {@link DifferenceKind} lists them. */
export function describeKinds(log: DifferenceLog): string {
  return Object.values(DifferenceKind)
    .filter((kind) => log.countOf(kind) > 0)
    .map((kind) => `${log.countOf(kind)} ${kind}`)
    .join(', ');
}

/** `1 source row`, `2 source rows`: a count and its noun, in the plural unless the count is one. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The result of a check from its log: ok when the log is empty. `compared` says what was compared; when
 * something differs, the kinds found are appended.
 */
export function checkResult(
  name: CheckName,
  table: string,
  compared: string,
  log: DifferenceLog,
): CheckResult {
  return {
    name,
    table,
    ok: log.count === 0,
    summary: log.count === 0 ? compared : `${compared}; differences: ${describeKinds(log)}`,
    differences: [...log.sample],
    differenceCount: log.count,
  };
}

import {
  applyTotesysMutation,
  createRandom,
  MutationKind,
  mutationWeights,
  type TotesysConnection,
  TotesysNothingToMutateError,
} from '@totes/totesys';

const everyKind = Object.values(MutationKind);

/**
 * The kinds of `count` mutations, as a pure function of the seed: every kind once first (together they write all
 * 11 totesys tables), in a seeded order, then kinds drawn by {@link mutationWeights}. Every kind includes
 * `row_deleted`: the soak deletes rows, which the live mix of `totes start --mutate` does not.
 */
export function planMutations(seed: number, count: number): MutationKind[] {
  const random = createRandom(seed, 'soak:mutations');
  const first = random.shuffle(everyKind).slice(0, count);
  const weighted = everyKind.map((kind) => [kind, mutationWeights[kind]] as const);
  return [...first, ...Array.from({ length: count - first.length }, () => random.weightedPick(weighted))];
}

/** What applying a slice of the plan did. */
export interface MutationTally {
  applied: number;
  skipped: number;
  /** Rows inserted or updated, per totesys table. */
  readonly rowsWritten: Record<string, number>;
  /** Rows deleted, per totesys table. */
  readonly rowsDeleted: Record<string, number>;
}

/** Applies the planned kinds, each in its own transaction, seeded by the run's seed and its index. */
export async function applyMutations(
  connection: TotesysConnection,
  kinds: readonly MutationKind[],
  options: { seed: number; firstIndex: number; tally: MutationTally },
): Promise<void> {
  for (const [offset, kind] of kinds.entries()) {
    try {
      const done = await applyTotesysMutation(
        connection,
        { kind },
        { seed: `${options.seed}:${options.firstIndex + offset}` },
      );
      options.tally.applied += 1;
      const counts =
        done.kind === MutationKind.rowDeleted ? options.tally.rowsDeleted : options.tally.rowsWritten;
      for (const table of done.tables) counts[table] = (counts[table] ?? 0) + 1;
    } catch (error) {
      // Nothing to do (no unpaid payment left, say) is the source's state, not a fault: skip and count it.
      if (!(error instanceof TotesysNothingToMutateError)) throw error;
      options.tally.skipped += 1;
    }
  }
}

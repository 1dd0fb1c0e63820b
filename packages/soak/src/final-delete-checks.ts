import { ChangeKind, type DeletesCheckRequested, MessageType, newEnvelope } from '@totes/contracts';
import { sourceTables, TopicName } from '@totes/model';
import type { Publisher } from '@totes/runtime';
import type { DrainResult } from './drain';

/**
 * Asks every table's delete check once, after the last mutation, as `totes run --once --check-deletes` does: the
 * services' own cadence may not come round between the last delete and the drain, and `totes verify` must see every
 * deletion marked. Returns how many checks were asked for.
 */
export async function requestFinalDeleteChecks(publisher: Publisher): Promise<number> {
  const runId = crypto.randomUUID();
  for (const table of sourceTables) {
    const check: DeletesCheckRequested = {
      ...newEnvelope({ runId, causationId: null }),
      type: MessageType.tableChanged,
      kind: ChangeKind.deletes,
      table: table.name,
    };
    await publisher.publish(TopicName.changes, check);
  }
  return sourceTables.length;
}

/** Two drains, before and after the final delete checks, as one. */
export function mergeDrains(first: DrainResult, second: DrainResult): DrainResult {
  return {
    drained: first.drained && second.drained,
    deadLettered: first.deadLettered + second.deadLettered,
    replayed: first.replayed + second.replayed,
    reExtracted: first.reExtracted + second.reExtracted,
  };
}

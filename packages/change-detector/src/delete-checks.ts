import { ChangeKind, type DeletesCheckRequested, MessageType, newEnvelope } from '@totes/contracts';
import type { SourceTable } from '@totes/model';
import type { DetectorPorts } from './types';

/** What the delete-check cadence says of one table this cycle. */
export const DeleteCheckDecision = {
  /** Ask for the check now. */
  due: 'due',
  /** Never checked: the cadence starts now, and the first check comes one interval later. */
  start: 'start',
  /** Checked within the interval, or the check is off. */
  wait: 'wait',
} as const;
export type DeleteCheckDecision = (typeof DeleteCheckDecision)[keyof typeof DeleteCheckDecision];

/**
 * Whether a table's keys are due for a reconciliation with the lake. `force` (`totes run --once --check-deletes`)
 * asks at once; an interval of 0 turns the cadence off. A table never checked starts its cadence rather than
 * checking at once, so a fresh platform does not scan every table on its first cycles.
 */
export function deleteCheckDecision(
  lastChecked: Date | null,
  now: Date,
  intervalMs: number,
  force: boolean,
): DeleteCheckDecision {
  if (force) return DeleteCheckDecision.due;
  if (intervalMs <= 0) return DeleteCheckDecision.wait;
  if (lastChecked === null) return DeleteCheckDecision.start;
  return now.getTime() - lastChecked.getTime() >= intervalMs
    ? DeleteCheckDecision.due
    : DeleteCheckDecision.wait;
}

/**
 * The delete checks this cycle asks for: one `table.changed` of kind `deletes` per table that is due and has
 * anything in the lake to reconcile (a table never extracted has no watermark and nothing to delete). The time of
 * the request is recorded at once, so a lost request is asked for again one interval later, not every cycle.
 */
export async function requestDeleteChecks(
  runId: string,
  tables: readonly SourceTable[],
  ports: DetectorPorts,
  force: boolean,
): Promise<DeletesCheckRequested[]> {
  const requests: DeletesCheckRequested[] = [];
  const now = ports.now();
  for (const table of tables) {
    if (!(await ports.watermarks.get(table.name)).watermark) continue;
    const last = await ports.deleteChecks.lastChecked(table.name);
    const decision = deleteCheckDecision(last, now, ports.deleteCheckIntervalMs, force);
    if (decision === DeleteCheckDecision.wait) continue;
    await ports.deleteChecks.record(table.name, now);
    if (decision === DeleteCheckDecision.due)
      requests.push({
        ...newEnvelope({ runId, causationId: null }),
        type: MessageType.tableChanged,
        kind: ChangeKind.deletes,
        table: table.name,
      });
  }
  return requests;
}

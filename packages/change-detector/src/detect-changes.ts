import { MessageType, newEnvelope, type TableChanged } from '@totes/contracts';
import type { SourceTable } from '@totes/model';
import { SourceSchemaMismatchError, shiftTimestamp } from '@totes/runtime';
import { type DetectionResult, type DetectorPorts, SkipReason } from './types';

/**
 * The detector's core: one detection cycle. For each table it compares the source with the table's durable
 * watermark and asks for the extraction of what lies past it. A table that did not change publishes nothing; a
 * table whose extraction is still in flight is not asked twice until its claim's lease runs out. A table the
 * extractor stopped for schema drift is skipped until its live columns match the catalog again.
 */
export async function detectChanges(runId: string, ports: DetectorPorts): Promise<DetectionResult> {
  const changes: TableChanged[] = [];
  const skipped: DetectionResult['skipped'][number][] = [];
  const resumed: string[] = [];
  const stopped = new Set((await ports.drift.list()).map((drift) => drift.table));
  for (const table of ports.tables) {
    try {
      if (stopped.has(table.name)) {
        if (!(await schemaFixed(table, ports))) {
          skipped.push({ table: table.name, reason: SkipReason.schemaDrift });
          continue;
        }
        resumed.push(table.name);
      }
      const change = await detectTable(runId, table, ports);
      if (typeof change === 'string') skipped.push({ table: table.name, reason: change });
      else changes.push(change);
    } catch (error) {
      // One unreachable or drifted table must not stop the others.
      skipped.push({ table: table.name, reason: SkipReason.failed, error });
    }
  }
  return { runId, changes, resumed, skipped };
}

/** Whether a table stopped by drift matches the catalog again; if so its drift is cleared, and it flows again. */
async function schemaFixed(table: SourceTable, ports: DetectorPorts): Promise<boolean> {
  try {
    await ports.checkSchema(table);
  } catch (error) {
    if (error instanceof SourceSchemaMismatchError) return false;
    throw error;
  }
  await ports.drift.clear(table.name);
  return true;
}

async function detectTable(
  runId: string,
  table: SourceTable,
  ports: DetectorPorts,
): Promise<TableChanged | SkipReason> {
  const now = ports.now();
  const state = await ports.watermarks.get(table.name);
  if (state.claim && now.getTime() - state.claim.claimedAt.getTime() < ports.claimLeaseMs) {
    return SkipReason.extractionInFlight;
  }
  const marginFrom = state.watermark
    ? shiftTimestamp(state.watermark.lastUpdated, -ports.lateCommitMarginMs)
    : null;
  const pending = await ports.findPendingChanges(table, state.watermark, marginFrom);
  // More rows in the margin than the last extraction saw there: a transaction committed late, below the watermark.
  const lateRows = Math.max(0, pending.marginRows - state.marginRows);
  if (!pending.upTo || pending.rows + lateRows === 0) return SkipReason.unchanged;
  await ports.watermarks.claim(table.name, pending.upTo, now);
  return {
    ...newEnvelope({ runId, causationId: null }),
    type: MessageType.tableChanged,
    table: table.name,
    window: { after: state.watermark, rereadFrom: marginFrom, upTo: pending.upTo },
    rows: pending.rows + lateRows,
  };
}

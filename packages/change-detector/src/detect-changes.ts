import { MessageType, newEnvelope, type WindowChanged } from '@totes/contracts';
import type { SourceTable } from '@totes/model';
import { SourceSchemaMismatchError, shiftTimestamp } from '@totes/runtime';
import { requestDeleteChecks } from './delete-checks';
import { type DetectionOptions, type DetectionResult, type DetectorPorts, SkipReason } from './types';

/**
 * The detector's core: one detection cycle. For each table, all at once, it compares the source with the table's
 * durable watermark and asks for the extraction of what lies past it. A table that did not change publishes nothing; a
 * table whose extraction is still in flight is not asked twice until its claim's lease runs out. A table the
 * extractor stopped for schema drift is skipped until its live columns match the catalog again. Each table's delete
 * check is asked for on its own cadence ({@link requestDeleteChecks}).
 */
export async function detectChanges(
  runId: string,
  ports: DetectorPorts,
  options: DetectionOptions = {},
): Promise<DetectionResult> {
  const changes: WindowChanged[] = [];
  const skipped: DetectionResult['skipped'][number][] = [];
  const resumed: string[] = [];
  const stopped = new Set((await ports.drift.list()).map((drift) => drift.table));
  // The tables are asked at once (each scans its table; the cycle takes as long as the slowest, not the sum), and
  // reported in declaration order.
  const outcomes = await Promise.allSettled(
    ports.tables.map((table) => detectUnlessStopped(runId, table, stopped.has(table.name), ports)),
  );
  outcomes.forEach((outcome, index) => {
    const table = ports.tables[index] as SourceTable;
    if (outcome.status === 'rejected') {
      // One unreachable or drifted table must not stop the others.
      skipped.push({ table: table.name, reason: SkipReason.failed, error: outcome.reason });
      return;
    }
    if (outcome.value.resumed) resumed.push(table.name);
    const { change } = outcome.value;
    if (typeof change === 'string') skipped.push({ table: table.name, reason: change });
    else changes.push(change);
  });
  // Stopped tables are not reconciled either: their source cannot be read the way the catalog says.
  const readable = ports.tables.filter((table) => !stopped.has(table.name) || resumed.includes(table.name));
  const deleteChecks = await requestDeleteChecks(runId, readable, ports, options.checkDeletes ?? false);
  return { runId, changes, deleteChecks, resumed, skipped };
}

/** Detects a table's changes; a table stopped by drift is skipped unless its schema is fixed, and then resumed. */
async function detectUnlessStopped(
  runId: string,
  table: SourceTable,
  stopped: boolean,
  ports: DetectorPorts,
): Promise<{ change: Awaited<ReturnType<typeof detectTable>>; resumed: boolean }> {
  if (!stopped) return { change: await detectTable(runId, table, ports), resumed: false };
  if (!(await schemaFixed(table, ports))) return { change: SkipReason.schemaDrift, resumed: false };
  return { change: await detectTable(runId, table, ports), resumed: true };
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
): Promise<WindowChanged | SkipReason> {
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

import { MessageType, newEnvelope, type WindowChanged } from '@totes/contracts';
import type { SourceTable } from '@totes/model';
import {
  type PendingChanges,
  SourceSchemaMismatchError,
  shiftTimestamp,
  type TableState,
} from '@totes/runtime';
import { requestDeleteChecks } from './delete-checks';
import { discoverFiles, type FileDiscovery } from './discover-files';
import {
  type DetectionOptions,
  type DetectionResult,
  type DetectorPorts,
  type Rewound,
  SkipReason,
} from './types';

/**
 * The detector's core: one detection cycle. For each table, all at once, it compares the source with the table's
 * durable watermark and asks for the extraction of what lies past it. A table that did not change publishes nothing; a
 * table whose extraction is still in flight is not asked twice until its claim's lease runs out. A table the
 * extractor stopped for schema drift is skipped until its live columns match the catalog again. Each table's delete
 * check is asked for on its own cadence ({@link requestDeleteChecks}). The inbox, when there is one, is listed for
 * new files ({@link discoverFiles}).
 */
export async function detectChanges(
  runId: string,
  ports: DetectorPorts,
  options: DetectionOptions = {},
): Promise<DetectionResult> {
  const changes: WindowChanged[] = [];
  const skipped: DetectionResult['skipped'][number][] = [];
  const resumed: string[] = [];
  const rewound: Rewound[] = [];
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
    if (outcome.value.rewound) rewound.push(outcome.value.rewound);
    const { change } = outcome.value;
    if (typeof change === 'string') skipped.push({ table: table.name, reason: change });
    else changes.push(change);
  });
  // Stopped tables are not reconciled either: their source cannot be read the way the catalog says.
  const readable = ports.tables.filter((table) => !stopped.has(table.name) || resumed.includes(table.name));
  const deleteChecks = await requestDeleteChecks(runId, readable, ports, options.checkDeletes ?? false);
  const inbox: FileDiscovery = ports.inbox
    ? await discoverFiles(runId, ports.inbox, ports.now(), ports.claimLeaseMs)
    : { files: [], quarantined: [] };
  return {
    runId,
    changes,
    files: inbox.files,
    quarantinedFiles: inbox.quarantined,
    deleteChecks,
    resumed,
    rewound,
    skipped,
  };
}

/** Detects a table's changes; a table stopped by drift is skipped unless its schema is fixed, and then resumed. */
async function detectUnlessStopped(
  runId: string,
  table: SourceTable,
  stopped: boolean,
  ports: DetectorPorts,
): Promise<Awaited<ReturnType<typeof detectTable>> & { resumed: boolean }> {
  if (!stopped) return { ...(await detectTable(runId, table, ports)), resumed: false };
  if (!(await schemaFixed(table, ports)))
    return { change: SkipReason.schemaDrift, rewound: null, resumed: false };
  return { ...(await detectTable(runId, table, ports)), resumed: true };
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
): Promise<{ change: WindowChanged | SkipReason; rewound: Rewound | null }> {
  const now = ports.now();
  const found = await ports.watermarks.get(table.name);
  if (found.claim && now.getTime() - found.claim.claimedAt.getTime() < ports.claimLeaseMs) {
    return { change: SkipReason.extractionInFlight, rewound: null };
  }
  const { state, pending, rewound } = await readPending(table, found, ports);
  // More rows in the margin than the last extraction saw there: a transaction committed late, below the watermark.
  const lateRows = Math.max(0, pending.marginRows - state.marginRows);
  if (!pending.upTo || !needsExtraction(pending, state, lateRows))
    return { change: SkipReason.unchanged, rewound };
  await ports.watermarks.claim(table.name, pending.upTo, now);
  const change: WindowChanged = {
    ...newEnvelope({ runId, causationId: null }),
    type: MessageType.tableChanged,
    table: table.name,
    window: { after: state.watermark, rereadFrom: marginFrom(state, ports), upTo: pending.upTo },
    rows: Math.max(0, pending.rows - state.held.rows) + lateRows,
  };
  return { change, rewound };
}

function marginFrom(state: TableState, ports: DetectorPorts): string | null {
  return state.watermark ? shiftTimestamp(state.watermark.lastUpdated, -ports.lateCommitMarginMs) : null;
}

/**
 * Counts what lies past the table's watermark. A watermark beyond the source's clock less the margin (written before
 * watermarks were capped, or a source clock set back) hides every later change, so it is first moved back and
 * counted again.
 */
async function readPending(
  table: SourceTable,
  found: TableState,
  ports: DetectorPorts,
): Promise<{ state: TableState; pending: PendingChanges; rewound: Rewound | null }> {
  const pending = await ports.findPendingChanges(table, found.watermark, marginFrom(found, ports));
  if (!found.watermark || found.watermark.lastUpdated <= pending.cap)
    return { state: found, pending, rewound: null };
  const state = await ports.watermarks.rewindBeyond(table.name, pending.cap);
  const rewound = { table: table.name, from: found.watermark, to: state.watermark, cap: pending.cap };
  return {
    state,
    pending: await ports.findPendingChanges(table, state.watermark, marginFrom(state, ports)),
    rewound,
  };
}

/**
 * Whether the table needs an extraction: rows the clock has passed still lie past the watermark (it must move past
 * them), a late commit landed in the margin, or the rows past the watermark are not the ones the last extraction
 * read and held there (rows stamped in the future, or within the margin of the clock), by count or by stamps.
 * Held rows that did not change are not read again.
 */
function needsExtraction(pending: PendingChanges, state: TableState, lateRows: number): boolean {
  if (pending.dueRows > 0 || lateRows > 0) return true;
  return pending.rows !== state.held.rows || pending.stampSum !== state.held.stampSum;
}

import {
  derivedFrom,
  MessageType,
  type TableChanged,
  type Watermark,
  type WindowChanged,
  type WindowExtracted,
} from '@totes/contracts';
import { findSourceTable, modelsDependingOn, type SourceTable } from '@totes/model';
import {
  type HeldRows,
  type HorizonRequest,
  rawKey,
  type SourceHorizon,
  SourceSchemaMismatchError,
} from '@totes/runtime';
import { NoSourceClockError, UnknownSourceTableError } from './errors';
import { trackLastRows } from './track-last-rows';
import type { ExtractionOutcome, ExtractorPorts } from './types';

/**
 * The extractor's core: streams a table's change window from the source into the raw zone, records it in the run
 * ledger, announces it, and only then moves the watermark. A table whose columns were dropped or retyped is not read:
 * the drift is recorded and the outcome says the table stopped. A crash anywhere before the watermark moves makes the window be extracted again
 * (the raw folder is named by the window, so it is overwritten, not duplicated); it is never skipped.
 */
export async function extractTable(
  message: WindowChanged,
  ports: ExtractorPorts,
): Promise<ExtractionOutcome> {
  const table = findSourceTable(message.table);
  if (!table) throw new UnknownSourceTableError(message.table);
  let addedColumns: readonly string[];
  try {
    ({ addedColumns } = await ports.checkSchema(table));
  } catch (error) {
    // Drift is an outcome, not a failure of the message: retrying cannot help until someone fixes the schema.
    if (!(error instanceof SourceSchemaMismatchError)) throw error;
    await ports.drift.record(table.name, error.message);
    await closeStoppedExtraction(message, table, ports, message.window.after);
    return { kind: 'stopped', table: table.name, problem: error.message };
  }
  const horizon = awaitHorizon(ports.lateCommitMarginMs);
  const tracker = trackLastRows(table, ports.lateCommitMarginMs, () => horizon.cap(table));
  const tracked = tracker.observe(ports.readWindow(table, message.window, horizon.request));
  const object = await ports.writeColumns(rawKey(table.name, message.window), table.columns, tracked);
  const lastRow = tracker.lastRow();
  const held = horizon.held(table);
  const extracted: WindowExtracted = {
    ...derivedFrom(message, 'extracted'),
    type: MessageType.tableExtracted,
    table: table.name,
    window: message.window,
    watermark: lastRow ?? message.window.after ?? { lastUpdated: message.window.upTo, id: 0 },
    object,
  };
  // An empty window needs no build: it is recorded complete and not announced.
  const models = object.rows === 0 ? [] : modelsDependingOn(table.name).map((model) => model.name);
  await ports.runs.recordExtraction({
    extractionId: extracted.id,
    runId: message.runId,
    table: table.name,
    windowAfter: message.window.after,
    lastRow,
    rows: object.rows,
    models,
  });
  if (models.length > 0) await ports.publish(extracted);
  await ports.watermarks.advance(table.name, lastRow, message.window.upTo, tracker.marginRows(), held);
  if (models.length === 0) await ports.completeRun(message);
  return { kind: 'extracted', extracted, lastRow, addedColumns };
}

/**
 * A stopped table extracts nothing in this run, so the run is not held open for it: its extraction is recorded
 * complete and empty, the run can finish, and its consistent watermark for this table stays where it was.
 */
export async function closeStoppedExtraction(
  message: TableChanged,
  table: SourceTable,
  ports: ExtractorPorts,
  windowAfter: Watermark | null,
) {
  await ports.runs.recordExtraction({
    extractionId: derivedFrom(message, 'extracted').id,
    runId: message.runId,
    table: table.name,
    windowAfter,
    lastRow: null,
    rows: 0,
    models: [],
  });
  await ports.completeRun(message);
}

/** The source's clock as the window read reports it: the cap no watermark may pass, and the rows held past it. */
function awaitHorizon(marginMs: number) {
  let reported: SourceHorizon | undefined;
  const known = (table: SourceTable) => {
    if (!reported) throw new NoSourceClockError(table.name);
    return reported;
  };
  return {
    request: { marginMs, report: (horizon: SourceHorizon) => (reported = horizon) } satisfies HorizonRequest,
    cap: (table: SourceTable) => known(table).cap,
    held: (table: SourceTable): HeldRows => known(table).held,
  };
}

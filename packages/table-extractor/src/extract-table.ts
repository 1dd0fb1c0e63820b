import {
  derivedFrom,
  MessageType,
  type TableChanged,
  type Watermark,
  type WindowChanged,
  type WindowExtracted,
} from '@totes/contracts';
import { findSourceTable, modelsDependingOn, type Row, type SourceTable } from '@totes/model';
import {
  type HeldRows,
  type HorizonRequest,
  rawKey,
  type SourceHorizon,
  SourceSchemaMismatchError,
  shiftTimestamp,
} from '@totes/runtime';
import { NoSourceClockError, UnknownSourceTableError } from './errors';
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
  const object = await ports.writeDataset(rawKey(table.name, message.window), table.columns, tracked);
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

/**
 * Follows the rows as they stream past, in (last_updated, key) order: the last one stamped at or before the cap
 * (the source's clock less the margin) is the new watermark, and the ones within the safety margin below it are
 * what the detector compares with later to spot a late commit. Only those are held, so memory follows the margin,
 * not the window. Rows stamped after the cap are written like the others, but the watermark stays below them until
 * the clock passes them: a row stamped in the future never hides the changes made before its stamp.
 */
function trackLastRows(table: SourceTable, marginMs: number, capOf: () => string) {
  let last: Watermark | null = null;
  const inMargin: string[] = [];
  let head = 0;
  let previous = '';
  let floor = '';
  return {
    async *observe(batches: AsyncIterable<Row[]>): AsyncGenerator<Row[]> {
      for await (const rows of batches) {
        const cap = capOf();
        for (const row of rows) {
          const lastUpdated = String(row[table.cursor]);
          // Rows come in order, so every row after the first one past the cap is past it too.
          if (lastUpdated > cap) break;
          inMargin.push(lastUpdated);
          // Rows come in last_updated order, many sharing one: shift once per distinct value.
          if (lastUpdated !== previous) {
            previous = lastUpdated;
            floor = shiftTimestamp(lastUpdated, -marginMs);
          }
          while (head < inMargin.length && (inMargin[head] ?? '') <= floor) head += 1;
          if (head > 4096) {
            inMargin.splice(0, head);
            head = 0;
          }
          last = { lastUpdated, id: Number(row[table.primaryKey]) };
        }
        yield rows;
      }
    },
    lastRow: () => last,
    marginRows: () => inMargin.length - head,
  };
}

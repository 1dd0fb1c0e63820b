import { derivedFrom, MessageType, type TableChanged, type Watermark } from '@totes/contracts';
import { findSourceTable, modelsDependingOn, type Row, type SourceTable } from '@totes/model';
import { rawKey } from '@totes/runtime';
import { UnknownSourceTableError } from './errors';
import type { ExtractionResult, ExtractorPorts } from './types';

/**
 * The extractor's core: streams a table's change window from the source into the raw zone, records it in the run
 * ledger, announces it, and only then moves the watermark. A crash anywhere before the watermark moves makes the window be extracted again
 * (the raw folder is named by the window, so it is overwritten, not duplicated); it is never skipped.
 */
export async function extractTable(message: TableChanged, ports: ExtractorPorts): Promise<ExtractionResult> {
  const table = findSourceTable(message.table);
  if (!table) throw new UnknownSourceTableError(message.table);
  const { addedColumns } = await ports.checkSchema(table);
  let lastRow: Watermark | null = null;
  const tracked = trackLastRow(table, ports.readWindow(table, message.window), (row) => {
    lastRow = row;
  });
  const object = await ports.writeDataset(rawKey(table.name, message.window), table.columns, tracked);
  const extracted = {
    ...derivedFrom(message, 'extracted'),
    type: MessageType.tableExtracted,
    table: table.name,
    window: message.window,
    watermark: lastRow ?? message.window.after ?? { lastUpdated: message.window.upTo, id: 0 },
    object,
  } as const;
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
  await ports.watermarks.advance(table.name, lastRow, message.window.upTo);
  if (models.length === 0) await ports.completeRun(message);
  return { extracted, lastRow, addedColumns };
}

async function* trackLastRow(
  table: SourceTable,
  batches: AsyncIterable<Row[]>,
  onLast: (position: Watermark) => void,
): AsyncGenerator<Row[]> {
  for await (const rows of batches) {
    const last = rows.at(-1);
    if (last) onLast({ lastUpdated: String(last[table.cursor]), id: Number(last[table.primaryKey]) });
    yield rows;
  }
}

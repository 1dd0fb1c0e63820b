import {
  ChangeKind,
  type DeletesCheckRequested,
  type DeletesExtracted,
  derivedFrom,
  MessageType,
} from '@totes/contracts';
import { findSourceTable, modelsDependingOn, rawColumnsOf } from '@totes/model';
import { deletesKey, SourceSchemaMismatchError } from '@totes/runtime';
import { announceUnwindowedExtraction } from './announce-extraction';
import { UnknownSourceTableError } from './errors';
import { closeStoppedExtraction } from './extract-table';
import { findDeletions } from './find-deletions';
import type { DeletesOutcome, ExtractionStopped, ExtractorPorts } from './types';

/**
 * The extractor's answer to a delete check: reconciles the table's keys in the source with the lake's live keys,
 * writes a tombstone for each row the source deleted into a raw folder named by the request, records it in the run
 * ledger and announces it as a `table.extracted` of kind `deletes`, so only the models that depend on the table
 * rebuild. Finding nothing writes and announces nothing. The watermark never moves.
 */
export async function checkDeletes(
  message: DeletesCheckRequested,
  ports: ExtractorPorts,
): Promise<DeletesOutcome | ExtractionStopped> {
  const table = findSourceTable(message.table);
  if (!table) throw new UnknownSourceTableError(message.table);
  try {
    await ports.checkSchema(table);
  } catch (error) {
    if (!(error instanceof SourceSchemaMismatchError)) throw error;
    await ports.drift.record(table.name, error.message);
    await closeStoppedExtraction(message, table, ports, null);
    return { kind: 'stopped', table: table.name, problem: error.message };
  }
  const key = deletesKey(table.name, message);
  const scan = findDeletions(table, key, ports, ports.deleteCheckKeysPerPass);
  const object = await ports.writeDataset(key, rawColumnsOf(table), scan.tombstones);
  const { deleted, checkedAt } = scan.summary();
  const extracted: DeletesExtracted | null =
    deleted > 0 && checkedAt
      ? {
          ...derivedFrom(message, 'extracted'),
          type: MessageType.tableExtracted,
          kind: ChangeKind.deletes,
          table: table.name,
          checkedAt,
          object,
        }
      : null;
  await announceUnwindowedExtraction(ports, message, {
    extractionId: derivedFrom(message, 'extracted').id,
    table: table.name,
    rows: object.rows,
    models: extracted ? modelsDependingOn(table.name).map((model) => model.name) : [],
    extracted,
  });
  return { kind: 'deletes', table: table.name, deleted, extracted };
}

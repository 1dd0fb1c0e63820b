import {
  ChangeKind,
  derivedFrom,
  type FileChanged,
  type FileExtracted,
  type InboxPiece,
  type LakeObject,
  MessageType,
} from '@totes/contracts';
import { modelsDependingOn, type SourceTable } from '@totes/model';
import { announceUnwindowedExtraction } from '../announce-extraction';
import { closeStoppedExtraction } from '../extract-table';
import type { ExtractorPorts } from '../types';

/**
 * Records the rows of inbox files written to the raw zone as one extraction, and announces them as a
 * `table.extracted` of kind `file` (named by `pieces` when the claim held several files) to the models that depend
 * on the table; a dataset of no rows closes the run's share instead. Returns the announcement, or null.
 */
export async function announceFileRows(
  message: FileChanged,
  table: SourceTable,
  ports: ExtractorPorts,
  written: {
    readonly file: InboxPiece;
    readonly pieces?: readonly InboxPiece[];
    readonly object: LakeObject;
  },
): Promise<FileExtracted | null> {
  const extracted: FileExtracted = {
    ...derivedFrom(message, 'extracted'),
    type: MessageType.tableExtracted,
    kind: ChangeKind.file,
    table: table.name,
    file: written.file,
    ...(written.pieces ? { pieces: [...written.pieces] } : {}),
    object: written.object,
  };
  const models = written.object.rows === 0 ? [] : modelsDependingOn(table.name).map((model) => model.name);
  await announceUnwindowedExtraction(ports, message, {
    extractionId: extracted.id,
    table: table.name,
    rows: written.object.rows,
    models,
    extracted,
  });
  return models.length > 0 ? extracted : null;
}

/**
 * Closes the run's share of the table for a file message that wrote no rows (quarantined, a duplicate, stale, or
 * sent back to be read whole): recorded at the table's watermark, which a file never moves.
 */
export async function closeFileExtraction(
  message: FileChanged,
  table: SourceTable,
  ports: ExtractorPorts,
): Promise<void> {
  await closeStoppedExtraction(message, table, ports, (await ports.watermarks.get(table.name)).watermark);
}

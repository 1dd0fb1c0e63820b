import { ChangeKind, type TableChanged } from '@totes/contracts';
import { checkDeletes } from './check-deletes';
import { extractTable } from './extract-table';
import { extractFile } from './inbox/extract-file';
import type { ExtractionOutcome, ExtractorPorts } from './types';

/** The extractor's one entry for a `table.changed` request: a window to extract, a delete check, or an inbox file. */
export function handleChange(message: TableChanged, ports: ExtractorPorts): Promise<ExtractionOutcome> {
  if (message.kind === ChangeKind.deletes) return checkDeletes(message, ports);
  if (message.kind === ChangeKind.file) return extractFile(message, ports);
  return extractTable(message, ports);
}

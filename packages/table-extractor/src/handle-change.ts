import { ChangeKind, type TableChanged } from '@totes/contracts';
import { checkDeletes } from './check-deletes';
import { extractTable } from './extract-table';
import type { ExtractionOutcome, ExtractorPorts } from './types';

/** The extractor's one entry for a `table.changed` request: a window to extract, or a delete check. */
export function handleChange(message: TableChanged, ports: ExtractorPorts): Promise<ExtractionOutcome> {
  return message.kind === ChangeKind.deletes ? checkDeletes(message, ports) : extractTable(message, ports);
}

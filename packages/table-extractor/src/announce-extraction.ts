import type { TableChanged, TableExtracted } from '@totes/contracts';
import type { ExtractorPorts } from './types';

/**
 * Records an extraction that moves no watermark (a delete check, an inbox file) in the run ledger, then announces
 * it, or, when it has nothing for a model to build (`extracted` null or no model named), closes the table's share
 * of the run.
 */
export async function announceUnwindowedExtraction(
  ports: Pick<ExtractorPorts, 'runs' | 'watermarks' | 'publish' | 'completeRun'>,
  message: TableChanged,
  extraction: {
    readonly extractionId: string;
    readonly table: string;
    readonly rows: number;
    readonly models: readonly string[];
    readonly extracted: TableExtracted | null;
  },
): Promise<void> {
  await ports.runs.recordExtraction({
    extractionId: extraction.extractionId,
    runId: message.runId,
    table: extraction.table,
    // A restart that rewinds this run moves the table back no further than where it stood.
    windowAfter: (await ports.watermarks.get(extraction.table)).watermark,
    lastRow: null,
    rows: extraction.rows,
    models: [...extraction.models],
  });
  if (extraction.extracted && extraction.models.length > 0) await ports.publish(extraction.extracted);
  else await ports.completeRun(message);
}

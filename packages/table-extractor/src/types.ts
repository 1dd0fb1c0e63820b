import type { ChangeWindow, LakeObject, TableChanged, TableExtracted, Watermark } from '@totes/contracts';
import type { LakeColumn, Row, SourceTable } from '@totes/model';
import type { RunLedger, SchemaCheck, WatermarkStore } from '@totes/runtime';

/** What the extractor's core needs from the world. */
export interface ExtractorPorts {
  checkSchema(table: SourceTable): Promise<SchemaCheck>;
  readWindow(table: SourceTable, window: ChangeWindow): AsyncIterable<Row[]>;
  writeDataset(
    key: string,
    columns: readonly LakeColumn[],
    batches: AsyncIterable<Row[]>,
  ): Promise<LakeObject>;
  publish(message: TableExtracted): Promise<void>;
  readonly watermarks: WatermarkStore;
  readonly runs: Pick<RunLedger, 'recordExtraction'>;
  /** The detector's safety margin: the extractor counts the rows it saw within it below the new watermark. */
  readonly lateCommitMarginMs: number;
  /** Completes the run if this extraction was its last open piece (an empty window completes at once). */
  completeRun(cause: TableChanged): Promise<void>;
}

/** The outcome of one extraction. */
export interface ExtractionResult {
  readonly extracted: TableExtracted;
  /** The position of the last row extracted; null when the window was empty. */
  readonly lastRow: Watermark | null;
  /** Columns the source has that the catalog does not: ignored, and worth a warning. */
  readonly addedColumns: readonly string[];
}

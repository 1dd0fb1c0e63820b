import type { ChangeWindow, LakeObject, TableExtracted, Watermark } from '@totes/contracts';
import type { LakeColumn, Row, SourceTable } from '@totes/model';
import type { SchemaCheck, WatermarkStore } from '@totes/runtime';

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
}

/** The outcome of one extraction. */
export interface ExtractionResult {
  readonly extracted: TableExtracted;
  /** The position of the last row extracted; null when the window was empty. */
  readonly lastRow: Watermark | null;
  /** Columns the source has that the catalog does not: ignored, and worth a warning. */
  readonly addedColumns: readonly string[];
}

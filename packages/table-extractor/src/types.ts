import type { ChangeWindow, LakeObject, TableChanged, TableExtracted, Watermark } from '@totes/contracts';
import type { LakeColumn, Row, SourceTable } from '@totes/model';
import type {
  HorizonRequest,
  RunLedger,
  SchemaCheck,
  SchemaDriftStore,
  WatermarkStore,
} from '@totes/runtime';

/** What the extractor's core needs from the world. */
export interface ExtractorPorts {
  checkSchema(table: SourceTable): Promise<SchemaCheck>;
  /**
   * Streams the window's rows in (last_updated, key) order; reports, before the first batch and from the same
   * snapshot, the source's clock less the margin and the rows of the window stamped after it.
   */
  readWindow(table: SourceTable, window: ChangeWindow, horizon: HorizonRequest): AsyncIterable<Row[]>;
  writeDataset(
    key: string,
    columns: readonly LakeColumn[],
    batches: AsyncIterable<Row[]>,
  ): Promise<LakeObject>;
  publish(message: TableExtracted): Promise<void>;
  readonly watermarks: WatermarkStore;
  readonly runs: Pick<RunLedger, 'recordExtraction'>;
  /** Where a table stopped by a dropped or retyped column is recorded, for the detector and `totes status`. */
  readonly drift: Pick<SchemaDriftStore, 'record'>;
  /** The detector's safety margin: the extractor counts the rows it saw within it below the new watermark. */
  readonly lateCommitMarginMs: number;
  /** Completes the run if this extraction was its last open piece (an empty window completes at once). */
  completeRun(cause: TableChanged): Promise<void>;
}

/** What one `table.changed` message came to: the window extracted, or the table stopped by schema drift. */
export type ExtractionOutcome = ExtractionResult | ExtractionStopped;

/**
 * The table's live columns no longer match the catalog (a column dropped or retyped): nothing was read, the drift
 * is recorded and the watermark stays where it was, so the rows are extracted once the schema is fixed.
 */
export interface ExtractionStopped {
  readonly kind: 'stopped';
  readonly table: string;
  readonly problem: string;
}

/** The outcome of one extraction. */
export interface ExtractionResult {
  readonly kind: 'extracted';
  readonly extracted: TableExtracted;
  /** The position of the last row extracted; null when the window was empty. */
  readonly lastRow: Watermark | null;
  /** Columns the source has that the catalog does not: ignored, and worth a warning. */
  readonly addedColumns: readonly string[];
}

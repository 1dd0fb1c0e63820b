import type { Readable } from 'node:stream';
import type {
  ChangeWindow,
  DeletesExtracted,
  FileExtracted,
  InboxFile,
  InboxRange,
  LakeObject,
  TableChanged,
  TableExtracted,
  Watermark,
  WindowExtracted,
} from '@totes/contracts';
import type { InboxPolicy, LakeColumn, Row, SourceTable } from '@totes/model';
import type {
  ColumnBatch,
  HorizonRequest,
  InboxLedger,
  InboxPieceLedger,
  ReadOptions,
  RunLedger,
  SchemaCheck,
  SchemaDriftStore,
  SourceKeys,
  WatermarkStore,
} from '@totes/runtime';

/** What the extractor's core needs from the world. */
export interface ExtractorPorts {
  checkSchema(table: SourceTable): Promise<SchemaCheck>;
  /**
   * Streams the window's rows as column batches in (last_updated, key) order; reports, before the first batch and
   * from the same snapshot, the source's clock less the margin and the rows of the window stamped after it.
   */
  readWindow(table: SourceTable, window: ChangeWindow, horizon: HorizonRequest): AsyncIterable<ColumnBatch>;
  /** Writes a window's column batches as a raw dataset (`Lake.writeColumns`). */
  writeColumns(
    key: string,
    columns: readonly LakeColumn[],
    batches: AsyncIterable<ColumnBatch>,
  ): Promise<LakeObject>;
  /** Writes rows as a raw dataset: a delete check's tombstones, an inbox file's rows. */
  writeDataset(
    key: string,
    columns: readonly LakeColumn[],
    batches: AsyncIterable<Row[]>,
  ): Promise<LakeObject>;
  publish(message: TableExtracted): Promise<void>;
  /** Every lake key under a prefix: the raw parts a delete check reconciles with. */
  listRaw(prefix: string): Promise<string[]>;
  /** Reads raw parts, only the columns asked for. */
  readDataset(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<Row[]>;
  /** The source's primary keys in `[from, to)`, and its clock. */
  sourceKeys(table: SourceTable, from: number, to: number): Promise<SourceKeys>;
  /** Keys a delete check compares per pass: what bounds its memory; 50 000 by default. */
  readonly deleteCheckKeysPerPass?: number;
  readonly watermarks: WatermarkStore;
  readonly runs: Pick<RunLedger, 'recordExtraction'>;
  /** Where a table stopped by a dropped or retyped column is recorded, for the detector and `totes status`. */
  readonly drift: Pick<SchemaDriftStore, 'record'>;
  /** The detector's safety margin: the extractor counts the rows it saw within it below the new watermark. */
  readonly lateCommitMarginMs: number;
  /** Completes the run if this extraction was its last open piece (an empty window completes at once). */
  completeRun(cause: TableChanged): Promise<void>;
  /** The inbox, for a platform that has one: its files, and the ledger of what became of each. */
  readonly inbox?: InboxPorts;
}

/** What the extractor needs of the inbox. */
export interface InboxPorts {
  /** A file's bytes, as a stream: from `start`, and only while it is still `version`, when asked. */
  readFile(key: string, options?: ReadOptions): Promise<Readable>;
  readonly ledger: Pick<InboxLedger, 'get' | 'recordContent' | 'markLoaded' | 'quarantine' | 'recordRejects'>;
  /** What the pieces of a large file found, until the message that reads the last one finishes the file. */
  readonly pieces?: InboxPieceLedger;
  /** A table's policy for bad rows: the model's, as this platform's config overrides it. The model's by default. */
  policyOf?(table: string): InboxPolicy;
}

/** What became of one inbox file. */
export const FileResult = {
  /** Its rows are in the raw zone and announced (none announced for a header-only file). */
  loaded: 'loaded',
  /** Its bytes were loaded before under another name or version: it loaded nothing. */
  duplicate: 'duplicate',
  /** It cannot be read as its table's rows: it loaded nothing, and the ledger says why. */
  quarantined: 'quarantined',
  /** The message no longer holds the file's claim: another message reads it. */
  stale: 'stale',
  /** One piece of a large file is read; the message that reads its last piece finishes the file. */
  piece: 'piece',
  /** It cannot be read in pieces (a quoted line break): it is claimed again, to be read whole. */
  readWhole: 'read-whole',
} as const;
export type FileResult = (typeof FileResult)[keyof typeof FileResult];

/** What became of one file of a claim. */
export interface PieceOutcome {
  readonly file: InboxFile;
  readonly result: FileResult;
  readonly reason?: string | undefined;
  readonly duplicateOf?: string;
  /** Columns of the file that the catalog does not know: ignored, and worth a warning. */
  readonly unknownColumns?: readonly string[];
  /** Rows of the file that could not be read as the table's and were set aside under a `skip` policy. */
  readonly rejected?: number;
  /** Rows of the file that a row of the same key with a later `last_updated` (or, tied, later in the file) replaced. */
  readonly superseded?: number;
  /** Rows of the file written to the raw zone. */
  readonly rows?: number;
  /** The piece read, for a piece of a large file. */
  readonly range?: InboxRange;
}

/** A claim of inbox files extracted: what became of each, and the one announcement of the rows written. */
export interface FileOutcome {
  readonly kind: 'file';
  readonly table: string;
  /** Each file of the claim, in its order. */
  readonly files: readonly PieceOutcome[];
  /** The announcement, when rows were written. */
  readonly extracted: FileExtracted | null;
}

/**
 * What one `table.changed` message came to: the window extracted, the deletions a delete check found, or the
 * table stopped by schema drift.
 */
export type ExtractionOutcome = ExtractionResult | DeletesOutcome | ExtractionStopped | FileOutcome;

/** A delete check done: how many rows the source deleted, and the announcement of their tombstones, if any. */
export interface DeletesOutcome {
  readonly kind: 'deletes';
  readonly table: string;
  readonly deleted: number;
  /** Null when nothing was deleted: nothing was written or announced. */
  readonly extracted: DeletesExtracted | null;
}

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
  readonly extracted: WindowExtracted;
  /** The position of the last row extracted; null when the window was empty. */
  readonly lastRow: Watermark | null;
  /** Columns the source has that the catalog does not: ignored, and worth a warning. */
  readonly addedColumns: readonly string[];
}

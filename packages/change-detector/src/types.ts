import type { DeletesCheckRequested, FileChanged, Watermark, WindowChanged } from '@totes/contracts';
import type { SourceTable } from '@totes/model';
import type {
  DeleteCheckStore,
  InboxEntry,
  PendingChanges,
  SchemaCheck,
  SchemaDriftStore,
  WatermarkStore,
} from '@totes/runtime';
import type { InboxDetectorPorts } from './discover-files';

/** What the detector's core needs from the world. */
export interface DetectorPorts {
  readonly tables: readonly SourceTable[];
  /** Counts what lies past the watermark, and reads the source's clock less the late-commit margin (`cap`). */
  findPendingChanges(
    table: SourceTable,
    after: Watermark | null,
    marginFrom: string | null,
  ): Promise<PendingChanges>;
  readonly watermarks: WatermarkStore;
  now(): Date;
  /** How long a requested extraction may take before the detector asks again. */
  readonly claimLeaseMs: number;
  /** How far below the watermark a row committed late is still caught. */
  readonly lateCommitMarginMs: number;
  /** The tables stopped by schema drift, as the extractor recorded them. */
  readonly drift: Pick<SchemaDriftStore, 'list' | 'clear'>;
  /** Compares a table's live columns with the catalog; only asked of stopped tables, to see if they are fixed. */
  checkSchema(table: SourceTable): Promise<SchemaCheck>;
  /** When each table's keys were last reconciled with the lake. */
  readonly deleteChecks: DeleteCheckStore;
  /** The delete-check cadence (`TOTES_DELETE_CHECK_INTERVAL_MS`); 0 turns it off. */
  readonly deleteCheckIntervalMs: number;
  /** The inbox, listed every cycle for new files; `tables` is empty for a platform with no source database. */
  readonly inbox?: InboxDetectorPorts;
}

/** What one detection cycle may be asked besides its usual work. */
export interface DetectionOptions {
  /** Ask for every table's delete check now, whatever the cadence (`totes run --once --check-deletes`). */
  readonly checkDeletes?: boolean;
}

/** Why a table published nothing this cycle. */
export const SkipReason = {
  unchanged: 'unchanged',
  extractionInFlight: 'extraction-in-flight',
  failed: 'failed',
  /** A column was dropped or retyped: the table stays stopped until its schema matches the catalog again. */
  schemaDrift: 'schema-drift',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

/**
 * A watermark found beyond the source's clock less the late-commit margin (written before watermarks were capped,
 * or a source clock set back), moved back to the last extracted position at or below that cap: the rows it hid are
 * extracted again.
 */
export interface Rewound {
  readonly table: string;
  readonly from: Watermark;
  /** Null when no extraction ended at or below the cap: the table is read again whole. */
  readonly to: Watermark | null;
  readonly cap: string;
}

/** The outcome of one detection cycle. */
export interface DetectionResult {
  readonly runId: string;
  readonly changes: readonly WindowChanged[];
  /** The inbox files this cycle claimed and asked to read. */
  readonly files: readonly FileChanged[];
  /** Files new to the inbox this cycle that were quarantined on sight: their key says no table or format. */
  readonly quarantinedFiles: readonly InboxEntry[];
  /** The tables whose keys this cycle asked to reconcile with the lake, to find deleted rows. */
  readonly deleteChecks: readonly DeletesCheckRequested[];
  /** Tables stopped by schema drift whose schema matches again: their drift is cleared and they flow again. */
  readonly resumed: readonly string[];
  /** Tables whose watermark lay beyond the source's clock less the margin, and was moved back (see {@link Rewound}). */
  readonly rewound: readonly Rewound[];
  readonly skipped: readonly {
    readonly table: string;
    readonly reason: SkipReason;
    readonly error?: unknown;
  }[];
}

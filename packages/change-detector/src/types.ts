import type { TableChanged, Watermark } from '@totes/contracts';
import type { SourceTable } from '@totes/model';
import type { PendingChanges, WatermarkStore } from '@totes/runtime';

/** What the detector's core needs from the world. */
export interface DetectorPorts {
  readonly tables: readonly SourceTable[];
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
}

/** Why a table published nothing this cycle. */
export const SkipReason = {
  unchanged: 'unchanged',
  extractionInFlight: 'extraction-in-flight',
  failed: 'failed',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

/** The outcome of one detection cycle. */
export interface DetectionResult {
  readonly runId: string;
  readonly changes: readonly TableChanged[];
  readonly skipped: readonly {
    readonly table: string;
    readonly reason: SkipReason;
    readonly error?: unknown;
  }[];
}

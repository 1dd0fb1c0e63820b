import { z } from 'zod';
import { envelopeFields, Identifier, SourceTimestamp } from './envelope';
import { LineageEventType, lineageFields } from './lineage';

/** The message types, one per topic. */
export const MessageType = {
  tableChanged: 'table.changed',
  tableExtracted: 'table.extracted',
  modelBuilt: 'model.built',
  modelLoading: 'model.loading',
  modelLoaded: 'model.loaded',
  runStarted: 'run.started',
  runCompleted: 'run.completed',
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** A position in a source table: rows are ordered by (last_updated, primary key). */
export const Watermark = z.object({ lastUpdated: SourceTimestamp, id: z.number().int().nonnegative() });
export type Watermark = z.infer<typeof Watermark>;

/**
 * The rows of a table changed after `after` (exclusive) and up to `upTo` (inclusive). `rereadFrom`, when set, widens
 * the window back to every row with a `last_updated` after it: the safety margin that catches rows committed late
 * with a `last_updated` at or below the watermark. Rows read twice are removed downstream.
 */
export const ChangeWindow = z.object({
  after: Watermark.nullable(),
  rereadFrom: SourceTimestamp.nullable(),
  upTo: SourceTimestamp,
});
export type ChangeWindow = z.infer<typeof ChangeWindow>;

/** A Parquet dataset in the lake: one or more part files, each bounded in rows. */
export const LakeObject = z.object({
  /** The lake key of the folder that holds the parts, relative to the lake root. */
  key: z.string().min(1).max(1024),
  parts: z.array(z.string().min(1).max(1024)).max(10_000),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type LakeObject = z.infer<typeof LakeObject>;

/**
 * What a `table.changed` request asks for, and what a `table.extracted` announcement holds: the rows of a change
 * window (the default, so a message without `kind` is a window), or the tombstones of rows the source deleted, found
 * by a key reconciliation, or the rows of a file dropped into the inbox.
 */
export const ChangeKind = { window: 'window', deletes: 'deletes', file: 'file' } as const;
export type ChangeKind = (typeof ChangeKind)[keyof typeof ChangeKind];

/** change-detector → `changes`: a table has rows past its watermark. */
export const WindowChanged = z.object({
  ...envelopeFields,
  type: z.literal(MessageType.tableChanged),
  kind: z.literal(ChangeKind.window).optional(),
  table: Identifier,
  window: ChangeWindow,
  /** Rows counted in the window at detection time. */
  rows: z.number().int().nonnegative(),
});
export type WindowChanged = z.infer<typeof WindowChanged>;

/**
 * change-detector → `changes`: the table's keys are due for a reconciliation with the lake (its delete-check
 * cadence came round, or an operator forced it), to find the rows the source deleted.
 */
export const DeletesCheckRequested = z.object({
  ...envelopeFields,
  type: z.literal(MessageType.tableChanged),
  kind: z.literal(ChangeKind.deletes),
  table: Identifier,
});
export type DeletesCheckRequested = z.infer<typeof DeletesCheckRequested>;

/**
 * One version of a file in the inbox, as listing found it: its key relative to the inbox root, the store's version
 * of it (S3 ETag; locally size and modification time), and its size.
 */
export const InboxFile = z.object({
  key: z.string().min(1).max(1024),
  version: z.string().min(1).max(256),
  bytes: z.number().int().nonnegative(),
});
export type InboxFile = z.infer<typeof InboxFile>;

/**
 * Which part of a large file one piece is: the `index`-th of `of` byte ranges `[start, end)` the detector cut it
 * into. A piece reads the lines that start in its range (a CSV piece after the first also reads the header), so
 * the pieces of a file read every line once, in parallel, wherever the cuts fall. A large compressed file is one
 * piece of itself (`of` 1): it is read as pieces are, in one pass.
 */
export const InboxRange = z
  .object({
    index: z.number().int().nonnegative(),
    of: z.number().int().min(1).max(10_000),
    start: z.number().int().nonnegative(),
    end: z.number().int().positive(),
  })
  .refine((range) => range.index < range.of && range.start < range.end, {
    message: 'a range is the index-th of `of` pieces, and starts before it ends',
  });
export type InboxRange = z.infer<typeof InboxRange>;

/**
 * What one claim asks the extractor to read: a whole inbox file, or, with `range`, one byte range of a large file
 * (see {@link InboxRange}).
 */
export const InboxPiece = InboxFile.extend({ range: InboxRange.optional() });
export type InboxPiece = z.infer<typeof InboxPiece>;

/** The most pieces one claim, or one announcement, names. */
export const maxPiecesPerClaim = 10_000;

const pieceList = z.array(InboxPiece).min(1).max(maxPiecesPerClaim);

/**
 * change-detector → `changes`: files dropped into the inbox, claimed together in the inbox ledger, are to be read
 * into the raw zone as one extraction. All are of one table, its first folder. `pieces` (since the batch claims)
 * lists them in reading order; `file` is its first, so a message of one file without `pieces`, as older detectors
 * wrote it, still reads, and an older extractor given a batch reads its first file (the others are claimed again
 * when their lease runs out). Read the list with {@link piecesOf}.
 */
export const FileChanged = z.object({
  ...envelopeFields,
  type: z.literal(MessageType.tableChanged),
  kind: z.literal(ChangeKind.file),
  table: Identifier,
  file: InboxFile,
  pieces: pieceList.optional(),
  /**
   * The ledger's claim this message reads under, when it is not the message's own id: each piece of a large file
   * is a message of its own, and all read under one claim.
   */
  claim: z.string().uuid().optional(),
});
export type FileChanged = z.infer<typeof FileChanged>;

/** change-detector → `changes`: a window to extract, a delete check, or an inbox file; told apart by `kind`. */
export const TableChanged = z.discriminatedUnion('kind', [WindowChanged, DeletesCheckRequested, FileChanged]);
export type TableChanged = z.infer<typeof TableChanged>;

/** table-extractor → `extracted`: the changed rows of a table landed in the raw zone. */
export const WindowExtracted = z.object({
  ...envelopeFields,
  type: z.literal(MessageType.tableExtracted),
  kind: z.literal(ChangeKind.window).optional(),
  table: Identifier,
  window: ChangeWindow,
  /** The position after the last extracted row: the table's new watermark. */
  watermark: Watermark,
  object: LakeObject,
});
export type WindowExtracted = z.infer<typeof WindowExtracted>;

/**
 * table-extractor → `extracted`: tombstones landed in the raw zone, one per row the lake holds and the source no
 * longer does: its last known values with `_deleted_at` set. Only sent when a reconciliation found a deletion.
 */
export const DeletesExtracted = z.object({
  ...envelopeFields,
  type: z.literal(MessageType.tableExtracted),
  kind: z.literal(ChangeKind.deletes),
  table: Identifier,
  /** The source's clock when the reconciliation began. */
  checkedAt: SourceTimestamp,
  object: LakeObject,
});
export type DeletesExtracted = z.infer<typeof DeletesExtracted>;

/**
 * table-extractor → `extracted`: the rows of inbox files landed in the raw zone as one dataset, coerced to the
 * catalog's types. `pieces` names the files whose rows it holds (not those of its claim that were quarantined or
 * duplicates); `file` is the first of them. Read the list with {@link piecesOf}.
 */
export const FileExtracted = z.object({
  ...envelopeFields,
  type: z.literal(MessageType.tableExtracted),
  kind: z.literal(ChangeKind.file),
  table: Identifier,
  file: InboxFile,
  pieces: pieceList.optional(),
  object: LakeObject,
});
export type FileExtracted = z.infer<typeof FileExtracted>;

/** The pieces a file message names: its `pieces`, or its one `file` for a message written before batches. */
export function piecesOf(message: Pick<FileChanged, 'file' | 'pieces'>): readonly InboxPiece[] {
  return message.pieces ?? [message.file];
}

/** The ledger claim a file message reads under: its `claim`, or its own id. */
export function claimOf(message: Pick<FileChanged, 'id' | 'claim'>): string {
  return message.claim ?? message.id;
}

/** table-extractor → `extracted`: rows of a window or a file, or tombstones; builders read them all the same way. */
export const TableExtracted = z.discriminatedUnion('kind', [
  WindowExtracted,
  DeletesExtracted,
  FileExtracted,
]);
export type TableExtracted = z.infer<typeof TableExtracted>;

/** The two kinds of warehouse model. */
export const ModelKind = { dimension: 'dimension', fact: 'fact' } as const;
export type ModelKind = (typeof ModelKind)[keyof typeof ModelKind];

/** dimension-builder or fact-builder → `built`: processed rows of one model landed in the processed zone. */
export const ModelBuilt = z.object({
  ...envelopeFields,
  type: z.literal(MessageType.modelBuilt),
  model: Identifier,
  kind: z.enum([ModelKind.dimension, ModelKind.fact]),
  /** The source table whose change caused this build. */
  table: Identifier,
  object: LakeObject,
});
export type ModelBuilt = z.infer<typeof ModelBuilt>;

/**
 * warehouse-loader → `load-complete`: the loader began to load a built model (eventType START). The OpenLineage
 * START of the run whose COMPLETE or FAIL is the `model.loaded` of the same build: both carry the same `run.runId`.
 * A build delivered again (a retry, a fact waiting for its dimensions) announces its START again, with the same `id`.
 */
export const ModelLoading = z.object({
  ...envelopeFields,
  ...lineageFields,
  eventType: z.literal(LineageEventType.start),
  type: z.literal(MessageType.modelLoading),
  model: Identifier,
  kind: z.enum([ModelKind.dimension, ModelKind.fact]),
  table: Identifier,
});
export type ModelLoading = z.infer<typeof ModelLoading>;

/**
 * warehouse-loader → `load-complete`: a model's rows are in the warehouse (eventType COMPLETE), or its load failed
 * for good and went to the dead-letter queue (FAIL). Shaped as an OpenLineage RunEvent.
 */
export const ModelLoaded = z.object({
  ...envelopeFields,
  ...lineageFields,
  eventType: z.enum([LineageEventType.complete, LineageEventType.fail]),
  type: z.literal(MessageType.modelLoaded),
  model: Identifier,
  kind: z.enum([ModelKind.dimension, ModelKind.fact]),
  table: Identifier,
  rows: z.object({
    /** Rows read from the processed zone. */
    received: z.number().int().nonnegative(),
    /** Rows inserted or updated in the warehouse. */
    written: z.number().int().nonnegative(),
  }),
  /** False when the same built message had been loaded before: nothing was written twice. */
  firstDelivery: z.boolean(),
  durationMs: z.number().nonnegative(),
});
export type ModelLoaded = z.infer<typeof ModelLoaded>;

/** The point up to which the warehouse is consistent with one source table. */
export const TableWatermark = z.object({ table: Identifier, watermark: Watermark.nullable() });
export type TableWatermark = z.infer<typeof TableWatermark>;

/**
 * change-detector → `load-complete`: a detection cycle found changes and is about to ask for their extraction
 * (eventType START): the OpenLineage START of the run whose COMPLETE is its `run.completed`.
 */
export const RunStarted = z.object({
  ...envelopeFields,
  ...lineageFields,
  eventType: z.literal(LineageEventType.start),
  type: z.literal(MessageType.runStarted),
  /** The source tables the cycle asks to extract or to check for deletes. */
  tables: z.array(Identifier),
});
export type RunStarted = z.infer<typeof RunStarted>;

/**
 * warehouse-loader → `load-complete`: every model that one detection cycle triggered is loaded. The watermarks say,
 * for each of the 11 source tables, up to where the warehouse now holds everything the source had.
 */
export const RunCompleted = z.object({
  ...envelopeFields,
  ...lineageFields,
  eventType: z.enum([LineageEventType.complete, LineageEventType.fail]),
  type: z.literal(MessageType.runCompleted),
  tables: z.array(Identifier),
  models: z.array(Identifier),
  watermarks: z.array(TableWatermark),
  startedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
});
export type RunCompleted = z.infer<typeof RunCompleted>;

/** Every message the platform sends, told apart by `type`. */
export const PlatformMessage = z.discriminatedUnion('type', [
  TableChanged,
  TableExtracted,
  ModelBuilt,
  ModelLoading,
  ModelLoaded,
  RunStarted,
  RunCompleted,
]);
export type PlatformMessage = z.infer<typeof PlatformMessage>;

/** The events of the `load-complete` topic: a load's or a run's START, and its COMPLETE or FAIL. */
export const LoadCompleteEvent = z.discriminatedUnion('type', [
  ModelLoading,
  ModelLoaded,
  RunStarted,
  RunCompleted,
]);
export type LoadCompleteEvent = z.infer<typeof LoadCompleteEvent>;

import type { InboxFile, InboxPiece } from '@totes/contracts';
import { InboxCompression, parseInboxKey } from '@totes/model';
import { defaultInboxBatch, type InboxBatchBudget, type InboxEntry } from '@totes/runtime';

/**
 * Files of one table claimed together, for one extraction; or, with `pieces`, one large file claimed alone and
 * cut into byte ranges, each read by a message of its own.
 */
export interface ClaimBatch {
  readonly table: string;
  readonly files: readonly InboxFile[];
  readonly pieces?: readonly InboxPiece[];
}

/**
 * What the pieces of one message may weigh in its JSON, in UTF-8 bytes: an SQS message holds 256 KiB, and a key
 * may be 1024 bytes, so a budget of files alone could overflow it.
 */
const maxPieceChars = 192 * 1024;
/** The JSON around a piece's key and version: `{"key":"","version":"","bytes":…},`. */
const pieceOverhead = 48;

/**
 * Groups due files by table, in the order they came (oldest first), into batches within the budget: at most
 * `files` files and `bytes` bytes, and pieces that fit one message. A file larger than the budget forms a batch
 * alone. Files with no table (quarantined on sight) are left out.
 */
export function batchesOf(
  due: readonly InboxEntry[],
  budget: InboxBatchBudget = defaultInboxBatch,
): ClaimBatch[] {
  const open = new Map<string, { files: InboxFile[]; bytes: number; chars: number }>();
  const batches: ClaimBatch[] = [];
  const close = (table: string) => {
    const batch = open.get(table);
    if (batch && batch.files.length > 0) batches.push({ table, files: batch.files });
    open.delete(table);
  };
  for (const entry of due) {
    if (!entry.table) continue;
    const pieces = piecesOfFile(entry, budget.pieceBytes ?? defaultInboxBatch.pieceBytes);
    if (pieces) {
      batches.push({ table: entry.table, files: [fileOf(entry)], pieces });
      continue;
    }
    // Bytes, not characters: SQS counts a message's UTF-8 bytes, and a key may be written in any script.
    const chars = Buffer.byteLength(entry.key) + Buffer.byteLength(entry.version) + pieceOverhead;
    const batch = open.get(entry.table);
    if (
      batch &&
      (batch.files.length >= budget.files ||
        batch.bytes + entry.bytes > budget.bytes ||
        batch.chars + chars > maxPieceChars)
    )
      close(entry.table);
    const current = open.get(entry.table) ?? { files: [], bytes: 0, chars: 0 };
    current.files.push(fileOf(entry));
    current.bytes += entry.bytes;
    current.chars += chars;
    open.set(entry.table, current);
  }
  for (const table of [...open.keys()]) close(table);
  return batches;
}

/**
 * The byte ranges a file larger than `pieceBytes` is read in, unless a read in pieces found it cannot be
 * (`readWhole`; null: read it whole, twice). An uncompressed file is cut into pieces of about `pieceBytes` (a CSV
 * or JSON Lines piece reads the lines that start in its range, a Parquet piece the row groups); a compressed one,
 * read from its start, is one piece of itself, so it too is read in one pass.
 */
export function piecesOfFile(
  entry: Pick<InboxEntry, 'key' | 'version' | 'bytes' | 'readWhole'>,
  pieceBytes: number,
): InboxPiece[] | null {
  if (entry.readWhole || entry.bytes <= pieceBytes) return null;
  const meaning = parseInboxKey(entry.key);
  if (!meaning.ok) return null;
  // A compressed stream is read from its start: one piece of the whole, read in one pass.
  const of =
    meaning.compression === InboxCompression.none
      ? Math.min(Math.ceil(entry.bytes / pieceBytes), maxPiecesPerFile)
      : 1;
  const size = Math.ceil(entry.bytes / of);
  return Array.from({ length: of }, (_unused, index) => ({
    ...fileOf(entry),
    range: { index, of, start: index * size, end: Math.min(entry.bytes, (index + 1) * size) },
  }));
}

/** The most pieces one file is cut into: a file of many gigabytes has larger pieces, not more messages. */
const maxPiecesPerFile = 256;

function fileOf(entry: Pick<InboxEntry, 'key' | 'version' | 'bytes'>): InboxFile {
  return { key: entry.key, version: entry.version, bytes: entry.bytes };
}

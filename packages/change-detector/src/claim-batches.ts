import type { InboxFile } from '@totes/contracts';
import { defaultInboxBatch, type InboxBatchBudget, type InboxEntry } from '@totes/runtime';

/** Files of one table claimed together, for one extraction. */
export interface ClaimBatch {
  readonly table: string;
  readonly files: readonly InboxFile[];
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
    current.files.push({ key: entry.key, version: entry.version, bytes: entry.bytes });
    current.bytes += entry.bytes;
    current.chars += chars;
    open.set(entry.table, current);
  }
  for (const table of [...open.keys()]) close(table);
  return batches;
}

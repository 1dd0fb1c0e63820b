import { type FileChanged, type FileExtracted, type InboxPiece, piecesOf } from '@totes/contracts';
import { type Row, rescuedColumn, type SourceTable } from '@totes/model';
import { inboxRawKey } from '@totes/runtime';
import { InboxFileChangedError } from '../errors';
import type { ExtractorPorts, InboxPorts, PieceOutcome } from '../types';
import { announceFileRows } from './announce-file';
import type { Checked, FileShape } from './check-file';
import { contentHash, fileBytes } from './file-bytes';
import { rowsOfFile } from './file-rows';
import type { Superseded } from './latest-per-key';

/** A file the first read found good and the owner of its bytes: what the second read needs to write it. */
export interface ToWrite {
  readonly file: InboxPiece;
  readonly checked: Omit<Checked, 'rejects'> & FileShape;
}

/**
 * The second read: the rows of every file to write, one file after the other, into one raw dataset named by the
 * claim, recorded in the run ledger and announced once; then each file is loaded in the ledger. The dataset is not
 * announced unless each file's bytes are the ones its first read checked.
 */
export async function writeFiles(
  message: FileChanged,
  table: SourceTable,
  ports: ExtractorPorts,
  inbox: InboxPorts,
  files: readonly ToWrite[],
): Promise<{ files: PieceOutcome[]; extracted: FileExtracted | null }> {
  const rescues = files.some(({ checked }) => checked.unknownColumns.length > 0);
  const rows = rowsOfAll(table, inbox, files);
  const object = await ports.writeDataset(
    inboxRawKey(table.name, piecesOf(message)),
    rescues ? [...table.columns, rescuedColumn] : table.columns,
    rescues ? withRescued(rows) : rows,
  );
  const expected = files.reduce((sum, { checked }) => sum + checked.rows - checked.superseded.count, 0);
  if (object.rows !== expected) throw new InboxFileChangedError(files[0]?.file.key ?? message.file.key);
  const written = files.map(({ file }) => file);
  const [first] = written as [InboxPiece, ...InboxPiece[]];
  const extracted = await announceFileRows(message, table, ports, {
    file: first,
    ...(message.pieces ? { pieces: written } : {}),
    object,
  });
  const outcomes: PieceOutcome[] = [];
  for (const { file, checked } of files) {
    const loaded = checked.rows - checked.superseded.count;
    await inbox.ledger.markLoaded(file, {
      read: checked.rows + checked.rejected,
      loaded,
      rejected: checked.rejected,
    });
    outcomes.push({
      file,
      result: 'loaded',
      rows: loaded,
      unknownColumns: checked.unknownColumns,
      superseded: checked.superseded.count,
      rejected: checked.rejected,
    });
  }
  return { files: outcomes, extracted };
}

/** The rows to write of each file in turn, each file's bytes and rows checked against its first read as it ends. */
async function* rowsOfAll(
  table: SourceTable,
  inbox: InboxPorts,
  files: readonly ToWrite[],
): AsyncGenerator<Row[]> {
  for (const { file, checked } of files) {
    const hash = contentHash();
    const bytes = fileBytes(await inbox.readFile(file.key), checked.compression, hash);
    let count = 0;
    // The rows the first read rejected are rejected again, and already recorded.
    const rows = rowsOfFile(table, checked.format, bytes, undefined, () => {});
    for await (const batch of latestRows(rows, checked.superseded)) {
      count += batch.length;
      yield batch;
    }
    if (hash.digest('hex') !== checked.sha256 || count !== checked.rows - checked.superseded.count)
      throw new InboxFileChangedError(file.key);
  }
}

/** The rows of a file that no other row of their key supersedes, in the file's order. */
export async function* latestRows(
  batches: AsyncIterable<Row[]>,
  superseded: Superseded,
): AsyncGenerator<Row[]> {
  let ordinal = 0;
  for await (const batch of batches) {
    if (superseded.count === 0) {
      yield batch;
      continue;
    }
    const kept = batch.filter((_row, index) => !superseded.has(ordinal + index));
    ordinal += batch.length;
    if (kept.length > 0) yield kept;
  }
}

/** Every row with a `_rescued` value: a JSON Lines row, or a file, without unknown columns has none. */
export async function* withRescued(batches: AsyncIterable<Row[]>): AsyncGenerator<Row[]> {
  for await (const batch of batches) {
    for (const row of batch) row[rescuedColumn.name] ??= null;
    yield batch;
  }
}

import { createHash } from 'node:crypto';
import {
  claimOf,
  type FileChanged,
  type FileExtracted,
  type InboxFile,
  type InboxPiece,
  type InboxRange,
} from '@totes/contracts';
import {
  InboxCompression,
  InboxFormat,
  type InboxPolicy,
  parseInboxKey,
  type SourceTable,
} from '@totes/model';
import { type InboxPieceLedger, inboxRawKey, type PieceRecord, type RejectedRow } from '@totes/runtime';
import { BadPieceMessageError } from '../errors';
import type { ExtractorPorts, FileOutcome, InboxPorts, PieceOutcome } from '../types';
import { announceFileRows, closeFileExtraction } from './announce-file';
import { overThreshold } from './check-file';
import { policyFor } from './file-policy';
import { pieceColumns, readPiece } from './read-piece';
import { maxKeptRejects } from './rejects';

/** A piece of a large file: one byte range of it. */
export type RangedPiece = InboxPiece & { readonly range: InboxRange };

/** Whether a claim's piece is a byte range of a large file. */
export function isRanged(piece: InboxPiece): piece is RangedPiece {
  return piece.range !== undefined;
}

/**
 * The extractor's answer to one piece of a large file: its range is read into a raw dataset of its own and
 * recorded in the piece ledger, and nothing is announced. The message that records the last piece finishes the
 * file ({@link finishFile}): the file loads whole or not at all. A piece read again (its message redelivered after
 * a crash) replaces its own record and parts, so a crash costs one piece, and duplicates no row.
 */
export async function extractPiece(
  message: FileChanged,
  piece: RangedPiece,
  others: number,
  table: SourceTable,
  ports: ExtractorPorts,
  inbox: InboxPorts,
): Promise<FileOutcome> {
  if (others > 0)
    throw new BadPieceMessageError('a message that names a byte range of a file names nothing else');
  const pieces = inbox.pieces;
  if (!pieces)
    throw new BadPieceMessageError('this extractor has no piece ledger to read large files in pieces');
  const file = message.file;
  const claim = claimOf(message);
  const alone = (outcome: PieceOutcome): FileOutcome => ({
    kind: 'file',
    table: table.name,
    files: [outcome],
    extracted: null,
  });
  const entry = await inbox.ledger.get(file);
  if (entry?.claimId !== claim || entry.state !== 'claimed') {
    // Claimed again by another message: as for a stale claim of whole files, the run that sent this one is not left
    // waiting for the table. Finished under this claim (a redelivery): the finishing message closed the run's share.
    if (entry?.claimId !== claim) await closeFileExtraction(message, table, ports);
    return alone({ file, result: 'stale', range: piece.range });
  }
  const meaning = parseInboxKey(file.key);
  if (!meaning.ok || meaning.table.name !== table.name)
    throw new BadPieceMessageError(`${file.key} is not a file of ${table.name}`);
  if (meaning.compression !== InboxCompression.none && piece.range.of > 1)
    throw new BadPieceMessageError(`${file.key} is compressed: it is read from its start, as one piece`);
  const policy = policyFor(inbox, table, entry.policy);
  const datasetKey = pieceDatasetKey(table, file, piece.range.index);
  const read = await readPiece(
    { file, range: piece.range, format: meaning.format, compression: meaning.compression, datasetKey },
    table,
    policy,
    ports,
    inbox,
  );
  const recorded = await pieces.recordPiece(file, claim, message.id, read);
  if (!recorded.held) {
    // The file was finished (or claimed again) while this piece was read: what it wrote is nobody's.
    await ports.writeDataset(datasetKey, pieceColumns(table), noRows());
    return alone({ file, result: 'stale', range: piece.range });
  }
  if (!recorded.finishes) return alone({ file, result: 'piece', range: piece.range, rows: read.record.rows });
  return finishFile(message, { file, format: meaning.format, table, policy }, ports, inbox, pieces);
}

/** The raw dataset of one piece: a folder inside the file's. */
function pieceDatasetKey(table: SourceTable, file: InboxFile, index: number): string {
  return `${inboxRawKey(table.name, file)}/piece-${String(index).padStart(4, '0')}`;
}

/** What the finishing of a file needs to know of it. */
interface FileToFinish {
  readonly file: InboxFile;
  readonly format: InboxFormat;
  readonly table: SourceTable;
  readonly policy: InboxPolicy;
}

/**
 * Finishes a large file once every piece is read: read whole next time if it cannot be read in pieces (a quoted
 * line break, or a key in two pieces, whose latest row only a whole read can pick); quarantined if a piece found a
 * problem or its bad rows are over the policy; a duplicate if its bytes were loaded before; else its pieces' parts
 * are announced as one extraction. Only the announced parts keep rows: the others are emptied.
 */
async function finishFile(
  message: FileChanged,
  finishing: FileToFinish,
  ports: ExtractorPorts,
  inbox: InboxPorts,
  ledger: InboxPieceLedger,
): Promise<FileOutcome> {
  const { file, table } = finishing;
  const records = await ledger.piecesOf(file, claimOf(message));
  const outcome = async (
    result: PieceOutcome,
    extracted: FileExtracted | null = null,
  ): Promise<FileOutcome> => {
    if (!extracted) {
      await emptyPieces(ports, table, file, records);
      await closeFileExtraction(message, table, ports);
    }
    return { kind: 'file', table: table.name, files: [result], extracted };
  };
  const unsplittable =
    records.find((record) => record.unsplittable)?.unsplittable ??
    (await keyInTwoPieces(records, (piece) => ledger.keysOf(file, claimOf(message), piece)));
  if (unsplittable) {
    await ledger.readWhole(file, claimOf(message));
    return outcome({ file, result: 'read-whole', reason: unsplittable });
  }
  const counts = totals(records);
  const placed = inFileLines(records, finishing.format);
  if (placed.rejects.length > 0) await inbox.ledger.recordRejects(file, placed.rejects);
  const problem =
    placed.problem ?? overThreshold(table, finishing.policy, counts.read, counts.rejected, placed.rejects);
  if (problem) {
    await inbox.ledger.quarantine(file, problem, counts);
    await ledger.forgetPieces(file);
    return outcome({ file, result: 'quarantined', reason: problem, rejected: counts.rejected });
  }
  const duplicateOf = await inbox.ledger.recordContent(file, piecesHash(records));
  if (duplicateOf) {
    await inbox.ledger.markLoaded(file, { ...counts, loaded: 0 });
    await ledger.forgetPieces(file);
    return outcome({ file, result: 'duplicate', duplicateOf });
  }
  const extracted = await announceFile(message, table, file, records, ports);
  await inbox.ledger.markLoaded(file, { ...counts, loaded: counts.rows });
  await ledger.forgetPieces(file);
  const unknownColumns = [...new Set(records.flatMap((record) => record.unknownColumns))];
  return {
    kind: 'file',
    table: table.name,
    files: [
      {
        file,
        result: 'loaded',
        rows: counts.rows,
        unknownColumns,
        superseded: counts.superseded,
        rejected: counts.rejected,
      },
    ],
    extracted,
  };
}

/** The parts of every piece, in the file's order, announced as one extraction of the file. */
async function announceFile(
  message: FileChanged,
  table: SourceTable,
  file: InboxFile,
  records: readonly PieceRecord[],
  ports: ExtractorPorts,
): Promise<FileExtracted | null> {
  const object = {
    key: inboxRawKey(table.name, file),
    parts: records.flatMap((record) => record.parts),
    rows: records.reduce((sum, record) => sum + record.rows, 0),
    bytes: records.reduce((sum, record) => sum + record.bytes, 0),
  };
  return announceFileRows(message, table, ports, { file, object });
}

/** Rewrites every piece's raw dataset with no rows: a file that does not load leaves nothing in the raw zone. */
async function emptyPieces(
  ports: Pick<ExtractorPorts, 'writeDataset'>,
  table: SourceTable,
  file: InboxFile,
  records: readonly PieceRecord[],
): Promise<void> {
  for (const record of records)
    await ports.writeDataset(pieceDatasetKey(table, file, record.index), pieceColumns(table), noRows());
}

/** A dataset's worth of no rows: written over a piece's folder, it empties the parts there. */
async function* noRows(): AsyncGenerator<never> {}

function totals(records: readonly PieceRecord[]) {
  const sum = (pick: (record: PieceRecord) => number) =>
    records.reduce((total, record) => total + pick(record), 0);
  return {
    read: sum((record) => record.read),
    rejected: sum((record) => record.rejected),
    superseded: sum((record) => record.superseded),
    rows: sum((record) => record.rows),
  };
}

/**
 * The pieces' kept rejects and problems, placed by their line in the file: a piece counts its lines from its own
 * start (after the header it is given, for a CSV piece after the first), so the lines of the pieces before it are
 * added, to where a reject is and to the `line N` its reason starts with.
 */
function inFileLines(
  records: readonly PieceRecord[],
  format: InboxFormat,
): { rejects: RejectedRow[]; problem: string | null } {
  const rejects: RejectedRow[] = [];
  let problem: string | null = null;
  let linesBefore = 0;
  for (const record of records) {
    const shift = linesBefore - (format === InboxFormat.csv && record.index > 0 ? 1 : 0);
    const moved = (text: string) =>
      text.replace(/^line (\d+)/, (_match, line) => `line ${Number(line) + shift}`);
    for (const reject of record.rejects)
      rejects.push({ ...reject, at: reject.at + shift, reason: moved(reject.reason) });
    if (record.problem) problem ??= moved(record.problem);
    linesBefore += record.lines;
  }
  return { rejects: rejects.slice(0, maxKeptRejects), problem };
}

/**
 * A key that two pieces both hold, as a reason to read the file whole: only a whole read picks the latest of
 * each key. Pieces whose key ranges do not meet share no key (the usual case: an export in key order), and their
 * keys are never read. Otherwise each piece's keys (sorted, distinct) are read, and a key twice among them all is
 * in two pieces: four bytes per row of the file, held for the check.
 */
async function keyInTwoPieces(
  records: readonly PieceRecord[],
  keysOf: (piece: number) => Promise<Int32Array>,
): Promise<string | null> {
  const ranged = records
    .filter((record) => record.minKey !== null && record.maxKey !== null)
    .sort((a, b) => (a.minKey as number) - (b.minKey as number));
  const apart = ranged.every(
    (record, index) => index === 0 || (record.minKey as number) > (ranged[index - 1]?.maxKey as number),
  );
  if (apart) return null;
  const all = new Int32Array(records.reduce((sum, record) => sum + record.rows, 0));
  let at = 0;
  for (const record of ranged) {
    const keys = await keysOf(record.index);
    all.set(keys, at);
    at += keys.length;
  }
  const sorted = all.subarray(0, at).sort();
  for (let index = 1; index < sorted.length; index++)
    if (sorted[index] === sorted[index - 1])
      return `key ${sorted[index]} is in two pieces of the file: it is read whole, so its latest row wins`;
  return null;
}

/**
 * The file's content hash from its pieces': the same bytes cut the same way (the same size, the same piece size)
 * hash the same, so a copy under another name is a duplicate.
 */
function piecesHash(records: readonly PieceRecord[]): string {
  const hash = createHash('sha256').update(`pieces:${records.length}\n`);
  for (const record of records) hash.update(`${record.sha256}\n`);
  return hash.digest('hex');
}

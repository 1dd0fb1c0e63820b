import type { InboxFile, InboxRange, LakeObject } from '@totes/contracts';
import {
  BadRowAction,
  InboxCompression,
  InboxFormat,
  type InboxPolicy,
  type Row,
  rescuedColumn,
  type SourceTable,
} from '@totes/model';
import { InboxFileVersionError, type ReadPiece } from '@totes/runtime';
import { InboxFileProblemError, UnsplittableFileError } from '../errors';
import type { ExtractorPorts, InboxPorts } from '../types';
import { type CsvRecord, readCsvRecords } from './csv-records';
import { rowsOfCsv } from './csv-rows';
import { contentHash, fileBytes } from './file-bytes';
import { rowsOfFile } from './file-rows';
import { latestPerKey, type Superseded } from './latest-per-key';
import { type RowGroupSize, rowsOfParquetBlob } from './parquet-rows';
import { firstLine, rangeLines } from './range-lines';
import { rangedBlob } from './ranged-blob';
import { type OnReject, tallyRejects } from './rejects';
import { latestRows, withRescued } from './write-files';

/** One byte range of a large uncompressed CSV, JSON Lines or Parquet file, and where its rows go in the raw zone. */
export interface PieceToRead {
  readonly file: InboxFile;
  readonly range: InboxRange;
  readonly format: InboxFormat;
  readonly compression: InboxCompression;
  /** The piece's own raw dataset, inside the file's. */
  readonly datasetKey: string;
}

/** The columns a piece's raw parts hold: the table's, and `_rescued` (null in a row with no unknown column). */
export function pieceColumns(table: SourceTable) {
  return [...table.columns, rescuedColumn];
}

/**
 * Reads one piece of a large file in one pass: its rows are checked and written to the piece's raw dataset as they
 * are read, its bad rows tallied under the policy, its keys gathered. Only when a key appears twice in the piece is
 * it read a second time, to write each key's latest row alone. Nothing is announced: the message that reads the
 * last piece finishes the file. A bad row under `fail`, or a problem of the file, ends the read with the problem
 * recorded; a quoted line break ends it as unsplittable.
 */
export async function readPiece(
  piece: PieceToRead,
  table: SourceTable,
  policy: InboxPolicy,
  ports: Pick<ExtractorPorts, 'writeDataset'>,
  inbox: Pick<InboxPorts, 'readFile'>,
): Promise<ReadPiece> {
  const tally = tallyRejects(policy.onBadRow === BadRowAction.fail);
  const versions = latestPerKey(table);
  const keys = keyGatherer();
  let unknownColumns: readonly string[] = [];
  let read = 0;
  const hashed = { sha256: '', lines: 0 };
  const rows = async function* () {
    const source = await pieceRows({
      piece,
      table,
      inbox,
      onUnknownColumns: (columns) => (unknownColumns = columns),
      onReject: tally.onReject,
    });
    for await (const batch of source.rows) {
      read += batch.length;
      keys.add(table, batch);
      await versions.add(batch);
      yield batch;
    }
    hashed.sha256 = source.sha256();
    hashed.lines = source.lines();
  };
  const base = {
    index: piece.range.index,
    of: piece.range.of,
    superseded: 0,
    unsplittable: null,
    minKey: null,
    maxKey: null,
  };
  const ended = (problem: string | null, unsplittable: string | null = null): ReadPiece => ({
    record: {
      ...base,
      sha256: hashed.sha256,
      read: read + tally.count(),
      rejected: tally.count(),
      lines: hashed.lines,
      parts: [],
      rows: 0,
      bytes: 0,
      unknownColumns,
      problem,
      unsplittable,
      rejects: tally.kept(),
    },
    keys: new Uint8Array(0),
  });
  try {
    let object = await ports.writeDataset(piece.datasetKey, pieceColumns(table), withRescued(rows()));
    const superseded = await versions.finish();
    if (superseded.count > 0) object = await rewriteLatest(piece, table, ports, inbox, superseded);
    const sorted = keys.sorted();
    if (object.rows !== read - superseded.count)
      throw new InboxFileProblemError('the piece changed as it was read');
    return {
      record: {
        ...ended(null).record,
        superseded: superseded.count,
        parts: object.parts,
        rows: object.rows,
        bytes: object.bytes,
        ...sorted.range,
      },
      keys: sorted.keys,
    };
  } catch (error) {
    if (error instanceof UnsplittableFileError) return ended(null, error.reason);
    if (error instanceof InboxFileProblemError) return ended(error.problem);
    if (error instanceof InboxFileVersionError) return ended(error.message);
    throw error;
  } finally {
    await versions.dispose();
  }
}

/** The second read of a piece with a key given twice: its rows again, each key's latest alone. */
async function rewriteLatest(
  piece: PieceToRead,
  table: SourceTable,
  ports: Pick<ExtractorPorts, 'writeDataset'>,
  inbox: Pick<InboxPorts, 'readFile'>,
  superseded: Superseded,
): Promise<LakeObject> {
  // Its bad rows were tallied by the first read; the second skips them the same way.
  const source = await pieceRows({ piece, table, inbox, onUnknownColumns: () => {}, onReject: () => {} });
  return ports.writeDataset(
    piece.datasetKey,
    pieceColumns(table),
    withRescued(latestRows(source.rows, superseded)),
  );
}

/** What a piece's rows are read with: the piece, its table, the inbox, and where unknown columns and bad rows go. */
interface PieceReading {
  readonly piece: PieceToRead;
  readonly table: SourceTable;
  readonly inbox: Pick<InboxPorts, 'readFile'>;
  readonly onUnknownColumns: (columns: readonly string[]) => void;
  readonly onReject: OnReject;
}

/** A piece's rows, and, once they are read, the hash of its bytes and the lines it held (0: rows are numbered in the file). */
interface PieceRows {
  readonly rows: AsyncGenerator<Row[]>;
  sha256(): string;
  lines(): number;
}

/** The rows of a piece: the lines of its range, its row groups, or a compressed file's, whole. */
async function pieceRows(reading: PieceReading): Promise<PieceRows> {
  const { piece, table, inbox, onUnknownColumns, onReject } = reading;
  if (piece.compression !== InboxCompression.none) return wholeFileRows(reading);
  if (piece.format === InboxFormat.parquet) return parquetPieceRows(reading);
  const { file, range } = piece;
  const hash = contentHash();
  const stream = await inbox.readFile(file.key, {
    start: range.start === 0 ? 0 : range.start - 1,
    version: file.version,
  });
  const lines = rangeLines(stream, range, hash);
  const rows =
    piece.format === InboxFormat.csv
      ? rowsOfCsv(
          table,
          // One piece of a whole file has no cut for a quoted line break to fall in.
          range.of === 1
            ? readCsvRecords(lines.bytes)
            : quotedBreaksRefused(readCsvRecords(withHeader(piece, inbox, lines.bytes))),
          onUnknownColumns,
          onReject,
        )
      : rowsOfFile(table, piece.format, lines.bytes, onUnknownColumns, onReject);
  return { rows, sha256: () => hash.digest('hex'), lines: lines.lineFeeds };
}

/** The rows of a compressed file, one piece of itself: its bytes as they come, decompressed, and their hash. */
async function wholeFileRows(reading: PieceReading): Promise<PieceRows> {
  const { piece, inbox } = reading;
  const hash = contentHash();
  const stream = await inbox.readFile(piece.file.key, { version: piece.file.version });
  const bytes = fileBytes(stream, piece.compression, hash);
  const rows = rowsOfFile(reading.table, piece.format, bytes, reading.onUnknownColumns, reading.onReject);
  return { rows, sha256: () => hash.digest('hex'), lines: () => 0 };
}

/**
 * The rows of a Parquet piece: the row groups that start in its range (by the footer's sizes, so every piece picks
 * the same cut), read one at a time by ranged reads of the file; and the hash of its range, read first. Its rows
 * are numbered by their place in the file, so its `lines` add nothing to the next pieces'.
 */
async function parquetPieceRows(reading: PieceReading): Promise<PieceRows> {
  const { piece, table, inbox, onUnknownColumns, onReject } = reading;
  const { file, range } = piece;
  const read = (start: number, end: number) =>
    inbox.readFile(file.key, { start, end, version: file.version });
  const hash = contentHash();
  for await (const chunk of await read(range.start, range.end)) hash.update(chunk as Uint8Array);
  const sha256 = hash.digest('hex');
  const rows = rowsOfParquetBlob(table, rangedBlob(file.bytes, read), onUnknownColumns, onReject, (groups) =>
    groupsStartingIn(groups, range),
  );
  return { rows, sha256: () => sha256, lines: () => 0 };
}

/** A Parquet file's magic number, before its first row group. */
const parquetMagicBytes = 4;

/** The row groups whose first byte (by the footer's compressed sizes, from the magic on) lies in the range. */
export function groupsStartingIn(groups: readonly RowGroupSize[], range: InboxRange): number[] {
  const chosen: number[] = [];
  let position = parquetMagicBytes;
  for (const [index, group] of groups.entries()) {
    if (position >= range.start && position < range.end) chosen.push(index);
    position += group.compressedBytes;
  }
  return chosen;
}

/** A CSV piece's bytes, after the file's header when the piece is not the first. */
async function* withHeader(
  piece: PieceToRead,
  inbox: Pick<InboxPorts, 'readFile'>,
  bytes: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (piece.range.index > 0)
    yield await firstLine(await inbox.readFile(piece.file.key, { version: piece.file.version }));
  yield* bytes;
}

/**
 * CSV records, refusing the piece when one spans lines (a quoted field holding a line break): the cut between two
 * pieces may then fall inside a field. A record spans lines when the next starts more than one line later (a blank
 * line does too, and is checked the same way); the last record is checked as it may run past the range.
 */
async function* quotedBreaksRefused(records: AsyncIterable<CsvRecord[]>): AsyncGenerator<CsvRecord[]> {
  let previous: CsvRecord | undefined;
  for await (const chunk of records) {
    for (const record of chunk) {
      if (previous && record.line > previous.line + 1) refuseBreaks(previous);
      previous = record;
    }
    yield chunk;
  }
  if (previous) refuseBreaks(previous);
}

function refuseBreaks(record: CsvRecord): void {
  if (record.fields.some((field) => field?.includes('\n')))
    throw new UnsplittableFileError(
      `a quoted field holds a line break (line ${record.line} of a piece), so the file's lines cannot be found ` +
        'from the middle of it: it is read whole',
    );
}

/** A piece's primary keys, gathered as its rows go by, then sorted, each once. */
function keyGatherer() {
  let keys = new Int32Array(1024);
  let count = 0;
  return {
    add(table: SourceTable, rows: readonly Row[]) {
      if (count + rows.length > keys.length) {
        const grown = new Int32Array(Math.max(keys.length * 2, count + rows.length));
        grown.set(keys.subarray(0, count));
        keys = grown;
      }
      for (const row of rows) keys[count++] = row[table.primaryKey] as number;
    },
    sorted(): { keys: Uint8Array; range: { minKey: number | null; maxKey: number | null } } {
      const sorted = keys.subarray(0, count).sort();
      let distinct = 0;
      for (let index = 0; index < sorted.length; index++)
        if (index === 0 || sorted[index] !== sorted[index - 1]) sorted[distinct++] = sorted[index] as number;
      return {
        keys: new Uint8Array(sorted.buffer, sorted.byteOffset, distinct * 4),
        range: { minKey: sorted[0] ?? null, maxKey: distinct > 0 ? (sorted[distinct - 1] as number) : null },
      };
    },
  };
}

import { type FileChanged, type InboxPiece, piecesOf } from '@totes/contracts';
import { findSourceTable, parseInboxKey, type SourceTable } from '@totes/model';
import { NoInboxError, UnknownSourceTableError } from '../errors';
import type { ExtractorPorts, FileOutcome, InboxPorts, PieceOutcome } from '../types';
import { closeFileExtraction } from './announce-file';
import { checkFile } from './check-file';
import { extractPiece, isRanged } from './extract-piece';
import { policyFor } from './file-policy';
import { type ToWrite, writeFiles } from './write-files';

/**
 * The extractor's answer to a claim of files dropped into the inbox: one file, or many small files of one table
 * claimed together. Each file is read twice, as a stream both times, and stands alone in the ledger: the first read
 * hashes its bytes, checks every row and finds the rows another row of their key supersedes (the latest
 * `last_updated` wins, then the later row). A bad row quarantines the file under its table's `fail` policy; under
 * `skip` it is rejected (recorded in the ledger's rejects) and the file loads its good rows unless it rejects more
 * than its policy's rate. A quarantined file is recorded with its reason and a file whose bytes were loaded before is
 * a duplicate: neither writes anything, and neither sinks the other files of its claim. The files left are read a
 * second time, one after the other, into one raw dataset, announced once as a `table.extracted` of kind `file`, so
 * the builders and the loader see one extraction however many files the claim held. A file whose claim this message
 * no longer holds (its lease ran out and another took it) is left alone.
 */
export async function extractFile(message: FileChanged, ports: ExtractorPorts): Promise<FileOutcome> {
  const inbox = ports.inbox;
  if (!inbox) throw new NoInboxError();
  const table = findSourceTable(message.table);
  if (!table) throw new UnknownSourceTableError(message.table);
  const pieces = piecesOf(message);
  const [first] = pieces;
  if (first && isRanged(first)) return extractPiece(message, first, pieces.length - 1, table, ports, inbox);
  const checks = await inTurns(pieces, checksAtOnce, (file) => checkPiece(message, file, table, inbox));
  const outcomes = checks.filter((check): check is PieceOutcome => !('checked' in check));
  const toWrite = checks.filter((check): check is ToWrite => 'checked' in check);
  if (toWrite.length === 0) {
    await closeFileExtraction(message, table, ports);
    return { kind: 'file', table: table.name, files: outcomes, extracted: null };
  }
  const written = await writeFiles(message, table, ports, inbox, toWrite);
  return {
    kind: 'file',
    table: table.name,
    files: inClaimOrder(message, [...outcomes, ...written.files]),
    extracted: written.extracted,
  };
}

/**
 * Files of a claim checked at once: a small file's check waits on the ledger and the store as much as it parses,
 * so a few at a time keep a core busy. Each holds at most one file's check in memory.
 */
const checksAtOnce = 4;

/** `work` over every item, at most `limit` at a time, the results in the items' order. */
async function inTurns<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The first read of one file of the claim: what became of it, or what the second read needs to write it. */
async function checkPiece(
  message: FileChanged,
  file: InboxPiece,
  table: SourceTable,
  inbox: InboxPorts,
): Promise<PieceOutcome | ToWrite> {
  const entry = await inbox.ledger.get(file);
  // The message that holds the claim reads the file; asked again (a redelivery, a repair of its raw parts) it
  // writes the same folder and announces the same message. A quarantined or duplicate file stays as it is.
  const holds = entry?.claimId === message.id && (entry.state === 'claimed' || entry.state === 'loaded');
  if (!holds || entry.duplicateOf) return { file, result: 'stale' };
  const meaning = parseInboxKey(file.key);
  if (!meaning.ok || meaning.table.name !== table.name) {
    // The detector only asks for files whose key names this table; a hand-made message may not.
    const reason = meaning.ok
      ? `the file's folder names ${meaning.table.name}, not ${table.name}`
      : meaning.reason;
    await inbox.ledger.quarantine(file, reason);
    return { file, result: 'quarantined', reason };
  }
  const check = await checkFile(inbox, file, table, meaning, policyFor(inbox, table, entry.policy));
  // A file with no bad row has none recorded, unless an earlier read of it recorded some.
  if (check.rejects.length > 0 || entry.rowsRejected) await inbox.ledger.recordRejects(file, check.rejects);
  const counts = { read: check.rows + check.rejected, rejected: check.rejected };
  if ('problem' in check) {
    await inbox.ledger.quarantine(file, check.problem, counts);
    return { file, result: 'quarantined', reason: check.problem, rejected: check.rejected };
  }
  const duplicateOf = await inbox.ledger.recordContent(file, check.sha256);
  if (duplicateOf) {
    await inbox.ledger.markLoaded(file, { ...counts, loaded: 0 });
    return { file, result: 'duplicate', duplicateOf };
  }
  const { rejects: _kept, ...checked } = check;
  return { file, checked: { ...checked, ...meaning } };
}

function inClaimOrder(message: FileChanged, outcomes: readonly PieceOutcome[]): PieceOutcome[] {
  const order = new Map(piecesOf(message).map((piece, index) => [`${piece.key}\n${piece.version}`, index]));
  const at = (outcome: PieceOutcome) => order.get(`${outcome.file.key}\n${outcome.file.version}`) ?? 0;
  return [...outcomes].sort((a, b) => at(a) - at(b));
}

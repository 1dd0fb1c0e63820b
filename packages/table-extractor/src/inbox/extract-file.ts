import { ChangeKind, derivedFrom, type FileChanged, type FileExtracted, MessageType } from '@totes/contracts';
import {
  findSourceTable,
  type InboxPolicy,
  inboxPolicyOf,
  modelsDependingOn,
  parseInboxKey,
  parseInboxPolicy,
  type Row,
  rescuedColumn,
  type SourceTable,
} from '@totes/model';
import { inboxRawKey } from '@totes/runtime';
import { announceUnwindowedExtraction } from '../announce-extraction';
import { InboxFileChangedError, NoInboxError, UnknownSourceTableError } from '../errors';
import { closeStoppedExtraction } from '../extract-table';
import type { ExtractorPorts, FileOutcome, InboxPorts } from '../types';
import { type Checked, checkFile, type FileShape } from './check-file';
import { contentHash, fileBytes } from './file-bytes';
import { rowsOfFile } from './file-rows';
import type { Superseded } from './latest-per-key';

/**
 * The extractor's answer to a file dropped into the inbox. The file is read twice, as a stream both times: first
 * to hash its bytes, check every row and find the rows that another row of their key supersedes (the latest
 * `last_updated` wins, then the later row), then, only if all of it is good and no file with the same bytes was
 * loaded before, to write its winning rows to the raw zone, where it is announced as a `table.extracted` of kind `file` like any
 * extraction, so the builders and the loader treat it as they treat a window. A bad row quarantines the file under
 * its table's `fail` policy; under `skip` it is rejected (recorded in the ledger's rejects) and the file loads its
 * good rows unless it rejects more than its policy's rate. A quarantined file is recorded in the inbox ledger with
 * its reason and writes and announces nothing; a duplicate loads nothing. A message that no
 * longer holds the file's claim (its lease ran out and another took it) does nothing.
 */
export async function extractFile(message: FileChanged, ports: ExtractorPorts): Promise<FileOutcome> {
  const inbox = ports.inbox;
  if (!inbox) throw new NoInboxError();
  const table = findSourceTable(message.table);
  if (!table) throw new UnknownSourceTableError(message.table);
  const { file } = message;
  const done = async (outcome: Omit<FileOutcome, 'kind' | 'table' | 'file' | 'extracted'>) => {
    await closeStoppedExtraction(message, table, ports, (await ports.watermarks.get(table.name)).watermark);
    return { kind: 'file', table: table.name, file, extracted: null, ...outcome } as const;
  };
  const entry = await inbox.ledger.get(file);
  // The message that holds the claim reads the file; asked again (a redelivery, a repair of its raw parts) it
  // writes the same folder and announces the same message.
  const holds = entry?.claimId === message.id && (entry.state === 'claimed' || entry.state === 'loaded');
  if (!holds || entry.duplicateOf) return done({ result: 'stale' });
  const meaning = parseInboxKey(file.key);
  if (!meaning.ok || meaning.table.name !== table.name) {
    // The detector only asks for files whose key names this table; a hand-made message may not.
    const reason = meaning.ok
      ? `the file's folder names ${meaning.table.name}, not ${table.name}`
      : meaning.reason;
    await inbox.ledger.quarantine(file, reason);
    return done({ result: 'quarantined', reason });
  }
  const check = await checkFile(inbox, message, table, meaning, policyFor(inbox, table, entry.policy));
  await inbox.ledger.recordRejects(file, check.rejects);
  const counts = { read: check.rows + check.rejected, rejected: check.rejected };
  if ('problem' in check) {
    await inbox.ledger.quarantine(file, check.problem, counts);
    return done({ result: 'quarantined', reason: check.problem, rejected: check.rejected });
  }
  const duplicateOf = await inbox.ledger.recordContent(file, check.sha256);
  if (duplicateOf) {
    await inbox.ledger.markLoaded(file, { ...counts, loaded: 0 });
    return done({ result: 'duplicate', duplicateOf });
  }
  return writeFile(message, table, ports, inbox, { ...check, ...meaning });
}

/** The policy a file is read under: the one a replay asked for, else its table's as the platform configures it. */
function policyFor(inbox: InboxPorts, table: SourceTable, replayed: string | null): InboxPolicy {
  if (replayed) return parseInboxPolicy(replayed);
  return inbox.policyOf?.(table.name) ?? inboxPolicyOf(table.name);
}

/** The rows of a file that no other row of their key supersedes, in the file's order. */
async function* latestRows(batches: AsyncIterable<Row[]>, superseded: Superseded): AsyncGenerator<Row[]> {
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

/** Every row with a `_rescued` value: a JSON Lines row before the file's first unknown key has none yet. */
async function* withRescued(batches: AsyncIterable<Row[]>): AsyncGenerator<Row[]> {
  for await (const batch of batches) {
    for (const row of batch) row[rescuedColumn.name] ??= null;
    yield batch;
  }
}

/** The second read: the rows into the raw zone, recorded in the run ledger and announced; the file is loaded. */
async function writeFile(
  message: FileChanged,
  table: SourceTable,
  ports: ExtractorPorts,
  inbox: InboxPorts,
  checked: Checked & FileShape,
): Promise<FileOutcome> {
  const { file } = message;
  const hash = contentHash();
  const bytes = fileBytes(await inbox.readFile(file.key), checked.compression, hash);
  const rescues = checked.unknownColumns.length > 0;
  // The rows the first read rejected are rejected again, and already recorded.
  const rows = latestRows(
    rowsOfFile(table, checked.format, bytes, undefined, () => {}),
    checked.superseded,
  );
  const object = await ports.writeDataset(
    inboxRawKey(table.name, file),
    rescues ? [...table.columns, rescuedColumn] : table.columns,
    rescues ? withRescued(rows) : rows,
  );
  // The parts are not announced unless they are the bytes the first read checked.
  if (hash.digest('hex') !== checked.sha256 || object.rows !== checked.rows - checked.superseded.count)
    throw new InboxFileChangedError(file.key);
  const extracted: FileExtracted = {
    ...derivedFrom(message, 'extracted'),
    type: MessageType.tableExtracted,
    kind: ChangeKind.file,
    table: table.name,
    file,
    object,
  };
  const models = object.rows === 0 ? [] : modelsDependingOn(table.name).map((model) => model.name);
  await announceUnwindowedExtraction(ports, message, {
    extractionId: extracted.id,
    table: table.name,
    rows: object.rows,
    models,
    extracted,
  });
  await inbox.ledger.markLoaded(file, {
    read: checked.rows + checked.rejected,
    loaded: object.rows,
    rejected: checked.rejected,
  });
  return {
    kind: 'file',
    table: table.name,
    file,
    result: 'loaded',
    extracted: models.length > 0 ? extracted : null,
    unknownColumns: checked.unknownColumns,
    superseded: checked.superseded.count,
    rejected: checked.rejected,
  };
}

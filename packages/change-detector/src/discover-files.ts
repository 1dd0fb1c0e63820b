import {
  ChangeKind,
  type FileChanged,
  type InboxFile,
  type InboxPiece,
  MessageType,
  newEnvelope,
} from '@totes/contracts';
import { parseInboxKey } from '@totes/model';
import type { FoundFile, InboxBatchBudget, InboxEntry, InboxLedger } from '@totes/runtime';
import { batchesOf } from './claim-batches';

/** What the detector needs of the inbox: a listing, and the ledger of every file it has held. */
export interface InboxDetectorPorts {
  list(): Promise<InboxFile[]>;
  readonly ledger: Pick<InboxLedger, 'discover' | 'due' | 'claimAll'>;
  /** How many files, and bytes, one claim may take (`TOTES_INBOX_BATCH_*`); 1000 files and 64 MiB by default. */
  readonly batch?: InboxBatchBudget;
}

/** What one listing of the inbox found. */
export interface FileDiscovery {
  /** One request per claim this cycle: batches of new files, and of files whose claim's lease ran out. */
  readonly files: readonly FileChanged[];
  /** Files new to the ledger that cannot be read on sight (no table folder, an unknown table, an unknown format). */
  readonly quarantined: readonly InboxEntry[];
}

/**
 * Lists the inbox and records what it holds ({@link recordFiles}). Re-listing is how every file is found in the end:
 * it needs no notification, and finds a file whatever became of the event of its arrival.
 */
export async function discoverFiles(
  runId: string,
  inbox: InboxDetectorPorts,
  now: Date,
  leaseMs: number,
): Promise<FileDiscovery> {
  return recordFiles(runId, await inbox.list(), inbox, now, leaseMs);
}

/**
 * Records every file version the ledger has not seen before in one statement (a file bad on sight is recorded
 * quarantined with its reason), and claims the files that are due, with a lease, in batches of one table within the
 * batch budget: one statement and one `table.changed` request of kind `file` per batch, whose id is the claim,
 * naming its files as pieces, so the extractor reads them as one extraction. A file is claimed by one request at a
 * time; a claim whose lease ran out (its extraction lost) is claimed again. The files come from a listing or from
 * the inbox's event notifications: either way they take this one path.
 */
export async function recordFiles(
  runId: string,
  listed: readonly InboxFile[],
  inbox: Pick<InboxDetectorPorts, 'ledger' | 'batch'>,
  now: Date,
  leaseMs: number,
): Promise<FileDiscovery> {
  const found: FoundFile[] = listed.map((file) => {
    const meaning = parseInboxKey(file.key);
    return meaning.ok
      ? { ...file, table: meaning.table.name }
      : { ...file, table: null, reason: meaning.reason };
  });
  const quarantined = (await inbox.ledger.discover(found)).filter((entry) => entry.state === 'quarantined');
  const files: FileChanged[] = [];
  for (const batch of batchesOf(await inbox.ledger.due(now), inbox.batch)) {
    const id = newEnvelope({ runId, causationId: null });
    const claimed = await inbox.ledger.claimAll(batch.files, id.id, now, leaseMs);
    if (claimed.length === 0) continue;
    if (batch.pieces) files.push(...pieceRequests(id, runId, batch.table, batch.pieces));
    else files.push(fileRequest(id, batch.table, claimed));
  }
  return { files, quarantined };
}

/**
 * One request per piece of a large file, all under the claim of the first (whose id is the claim's), so the pieces
 * are read at once by as many extractors as there are.
 */
function pieceRequests(
  claim: ReturnType<typeof newEnvelope>,
  runId: string,
  table: string,
  pieces: readonly InboxPiece[],
): FileChanged[] {
  return pieces.map((piece, index) => {
    const envelope = index === 0 ? claim : newEnvelope({ runId, causationId: null });
    const { range: _range, ...file } = piece;
    return { ...fileRequest(envelope, table, [piece]), file, pieces: [piece], claim: claim.id };
  });
}

function fileRequest(
  envelope: ReturnType<typeof newEnvelope>,
  table: string,
  pieces: readonly InboxPiece[],
): FileChanged {
  const [first] = pieces as [InboxPiece, ...InboxPiece[]];
  return {
    ...envelope,
    type: MessageType.tableChanged,
    kind: ChangeKind.file,
    table,
    file: first,
    // A claim of one file is written as before batches, so an older extractor reads it whole.
    ...(pieces.length > 1 ? { pieces: [...pieces] } : {}),
  };
}

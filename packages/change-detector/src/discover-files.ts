import { ChangeKind, type FileChanged, type InboxFile, MessageType, newEnvelope } from '@totes/contracts';
import { parseInboxKey } from '@totes/model';
import type { FoundFile, InboxEntry, InboxLedger } from '@totes/runtime';

/** What the detector needs of the inbox: a listing, and the ledger of every file it has held. */
export interface InboxDetectorPorts {
  list(): Promise<InboxFile[]>;
  readonly ledger: Pick<InboxLedger, 'discover' | 'due' | 'claim'>;
}

/** What one listing of the inbox found. */
export interface FileDiscovery {
  /** One request per file claimed this cycle: new files, and files whose claim's lease ran out. */
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
  return recordFiles(runId, await inbox.list(), inbox.ledger, now, leaseMs);
}

/**
 * Records every file version the ledger has not seen before (a file bad on sight is recorded quarantined with its
 * reason), and claims each file that is due, with a lease, under the id of the `table.changed` request of kind
 * `file` that asks the extractor to read it. A file is claimed by one request at a time; a claim whose lease ran out
 * (its extraction lost) is claimed again. The files come from a listing or from the inbox's event notifications:
 * either way they take this one path.
 */
export async function recordFiles(
  runId: string,
  listed: readonly InboxFile[],
  ledger: InboxDetectorPorts['ledger'],
  now: Date,
  leaseMs: number,
): Promise<FileDiscovery> {
  const found: FoundFile[] = listed.map((file) => {
    const meaning = parseInboxKey(file.key);
    return meaning.ok
      ? { ...file, table: meaning.table.name }
      : { ...file, table: null, reason: meaning.reason };
  });
  const quarantined = (await ledger.discover(found)).filter((entry) => entry.state === 'quarantined');
  const files: FileChanged[] = [];
  for (const entry of await ledger.due(now)) {
    if (!entry.table) continue;
    const file = { key: entry.key, version: entry.version, bytes: entry.bytes };
    const request: FileChanged = {
      ...newEnvelope({ runId, causationId: null }),
      type: MessageType.tableChanged,
      kind: ChangeKind.file,
      table: entry.table,
      file,
    };
    if (await ledger.claim(file, request.id, now, leaseMs)) files.push(request);
  }
  return { files, quarantined };
}

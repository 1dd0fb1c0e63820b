import { basename, resolve } from 'node:path';
import {
  findSourceTable,
  formatInboxPolicy,
  type InboxPolicy,
  ModelError,
  parseInboxKey,
  parseInboxPolicy,
} from '@totes/model';
import {
  type InboxEntry,
  InboxFileState,
  type InboxLedger,
  type InboxStore,
  type RejectedRow,
} from '@totes/runtime';
import { CliError, CliErrorCode } from '../errors';

/** Where `totes inbox put` put one file. */
export interface PutFile {
  readonly path: string;
  readonly key: string;
}

/**
 * Copies local files into the inbox under the table's folder, each whole (a listing never sees half a file), keeping
 * its name. Refuses, before copying anything, a table the catalog does not know and a file of a format the inbox does
 * not read.
 */
export async function putInboxFiles(
  store: Pick<InboxStore, 'putFile'>,
  table: string | undefined,
  paths: readonly string[],
): Promise<PutFile[]> {
  if (!table) throw new CliError(CliErrorCode.usage, 'totes inbox put needs --table <table>');
  if (!findSourceTable(table))
    throw new CliError(CliErrorCode.usage, `"${table}" is not a table of the catalog`);
  if (paths.length === 0) throw new CliError(CliErrorCode.usage, 'totes inbox put needs one file or more');
  const files = paths.map((path) => ({ path, key: `${table}/${basename(path)}` }));
  for (const file of files) {
    const meaning = parseInboxKey(file.key);
    if (!meaning.ok) throw new CliError(CliErrorCode.usage, meaning.reason);
  }
  for (const file of files) await store.putFile(file.key, file.path);
  return files;
}

/** The ledger as `totes inbox list` prints it: one line per file version, newest last. */
export function formatInboxList(entries: readonly InboxEntry[], inbox: string): string {
  const lines = [`${entries.length} file(s) seen in ${inbox}`];
  for (const entry of entries) {
    const rows =
      entry.rowsRead === null ? '' : `  rows read ${entry.rowsRead}, loaded ${entry.rowsLoaded ?? 0}`;
    const took =
      entry.claimedAt && entry.finishedAt
        ? `  ${entry.finishedAt.getTime() - entry.claimedAt.getTime()} ms`
        : '';
    lines.push(
      `  ${entry.state.padEnd(11)} ${entry.key}  ${entry.bytes} B${rows}${took}  found ${entry.discoveredAt.toISOString()}`,
    );
    if (entry.duplicateOf) lines.push(`              same bytes as ${entry.duplicateOf}: loaded no row`);
    if (entry.reason) lines.push(`              why: ${entry.reason}`);
  }
  return lines.join('\n');
}

/** One version of a file as `totes inbox show` gives it: its ledger entry and the rejected rows kept for it. */
export interface ShownFile extends InboxEntry {
  readonly rejects: readonly RejectedRow[];
}

/**
 * The key of a file under the inbox, from what a user gives: the key itself (`design/a.csv`), or the file's path or
 * URL in the inbox (`.totes/inbox/design/a.csv`, `s3://drop/in/design/a.csv`).
 */
export function inboxKeyOf(given: string, inboxUrl: string): string {
  const root = inboxUrl.startsWith('s3://') ? inboxUrl : resolve(inboxUrl);
  const path = given.startsWith('s3://') ? given : resolve(given);
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : given;
}

/** Every version of one file, with its rejected rows; a key the ledger has never seen is not found. */
export async function showInboxFile(
  ledger: Pick<InboxLedger, 'versionsOf' | 'rejectsOf'>,
  key: string,
): Promise<ShownFile[]> {
  const versions = await ledger.versionsOf(key);
  if (versions.length === 0)
    throw new CliError(CliErrorCode.notFound, `the inbox has seen no file "${key}": see totes inbox list`);
  return Promise.all(versions.map(async (entry) => ({ ...entry, rejects: await ledger.rejectsOf(entry) })));
}

/** A file as `totes inbox show` prints it: each version's state, counts and reason, then its rejected rows. */
export function formatInboxShow(shown: readonly ShownFile[]): string {
  return shown.flatMap(formatVersion).join('\n');
}

function formatVersion(entry: ShownFile): string[] {
  const counts =
    entry.rowsRead === null
      ? 'not read yet'
      : `rows read ${entry.rowsRead}, loaded ${entry.rowsLoaded ?? 0}, rejected ${entry.rowsRejected ?? 0}`;
  const lines = [
    `${entry.key}  version ${entry.version}  ${entry.state}`,
    `  table ${entry.table ?? '(none)'}, ${entry.bytes} B, ${counts}`,
    `  found ${entry.discoveredAt.toISOString()}${entry.finishedAt ? `, finished ${entry.finishedAt.toISOString()}` : ''}`,
  ];
  if (entry.policy) lines.push(`  policy ${entry.policy} (asked for by a replay)`);
  if (entry.duplicateOf) lines.push(`  same bytes as ${entry.duplicateOf}: loaded no row`);
  if (entry.reason) lines.push(`  why: ${entry.reason}`);
  if (entry.rejects.length === 0) return lines;
  const kept =
    (entry.rowsRejected ?? 0) > entry.rejects.length
      ? ` (the first ${entry.rejects.length} of ${entry.rowsRejected})`
      : '';
  lines.push(`  rejected rows${kept}:`);
  for (const reject of entry.rejects)
    lines.push(`    ${reject.reason}`, `      ${reject.raw.replaceAll('\n', '\\n')}`);
  return lines;
}

/** What `totes inbox replay` did: the file versions it returned to `discovered`, and those it left, with why. */
export interface Replayed {
  readonly replayed: readonly InboxEntry[];
  readonly left: readonly { readonly entry: InboxEntry; readonly why: string }[];
}

/**
 * Returns quarantined files to `discovered`, so the next detection cycle reads them again (under `policy` when
 * given): every quarantined version of `key`, or every quarantined file. A file already loaded is left: its rows
 * are in the warehouse, and bytes loaded under another name load nothing twice (the read finds them a duplicate).
 */
export async function replayInboxFiles(
  ledger: Pick<InboxLedger, 'versionsOf' | 'list' | 'replay'>,
  target: { readonly key?: string | undefined; readonly quarantined: boolean },
  policy?: string,
): Promise<Replayed> {
  const asked = policy === undefined ? undefined : formatInboxPolicy(policyOption(policy));
  const entries = await replayCandidates(ledger, target);
  const replayed: InboxEntry[] = [];
  const left: { entry: InboxEntry; why: string }[] = [];
  for (const entry of entries) {
    const why = notReplayable(entry);
    if (why) left.push({ entry, why });
    else if (await ledger.replay(entry, asked)) replayed.push(entry);
    else left.push({ entry, why: 'it changed state meanwhile' });
  }
  return { replayed, left };
}

async function replayCandidates(
  ledger: Pick<InboxLedger, 'versionsOf' | 'list'>,
  target: { readonly key?: string | undefined; readonly quarantined: boolean },
): Promise<InboxEntry[]> {
  if (target.quarantined === (target.key !== undefined))
    throw new CliError(CliErrorCode.usage, 'totes inbox replay needs one file, or --quarantined');
  if (target.key === undefined)
    return (await ledger.list()).filter((entry) => entry.state === InboxFileState.quarantined);
  const versions = await ledger.versionsOf(target.key);
  if (versions.length === 0)
    throw new CliError(
      CliErrorCode.notFound,
      `the inbox has seen no file "${target.key}": see totes inbox list`,
    );
  const quarantined = versions.filter((entry) => entry.state === InboxFileState.quarantined);
  return quarantined.length > 0 ? quarantined : versions.slice(-1);
}

function notReplayable(entry: InboxEntry): string | undefined {
  if (entry.state !== InboxFileState.quarantined)
    return entry.state === InboxFileState.loaded
      ? 'it is loaded: its rows are in the warehouse'
      : `it is ${entry.state}: it is being read already`;
  if (!entry.table) return 'its key names no table: move it under <inbox>/<table>/, where it is read as new';
  return undefined;
}

function policyOption(text: string): InboxPolicy {
  try {
    return parseInboxPolicy(text);
  } catch (error) {
    if (error instanceof ModelError) throw new CliError(CliErrorCode.usage, `--policy: ${error.message}`);
    throw error;
  }
}

/** What `totes inbox replay` prints. */
export function formatReplayed({ replayed, left }: Replayed, policy: string | undefined): string {
  const under =
    policy === undefined ? "its table's policy" : `policy ${formatInboxPolicy(parseInboxPolicy(policy))}`;
  return [
    ...replayed.map(
      (entry) =>
        `replayed ${entry.key} (version ${entry.version}): read again on the next cycle, under ${under}`,
    ),
    ...left.map(({ entry, why }) => `not replayed ${entry.key} (version ${entry.version}): ${why}`),
    ...(replayed.length + left.length === 0 ? ['no quarantined file to replay'] : []),
  ].join('\n');
}

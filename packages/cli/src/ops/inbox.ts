import { basename } from 'node:path';
import { findSourceTable, parseInboxKey } from '@totes/model';
import type { InboxEntry, InboxStore } from '@totes/runtime';
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

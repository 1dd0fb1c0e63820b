import { createHash } from 'node:crypto';
import type { ChangeWindow } from '@totes/contracts';

/** The zones of the lake. */
export const LakeZone = { raw: 'raw', processed: 'processed' } as const;

/** Where the raw rows of a table live. */
export function rawPrefix(table: string): string {
  return `${LakeZone.raw}/${table}/`;
}

/**
 * The folder of one extracted window. It is named by the window itself, so a retried extraction overwrites its own
 * parts instead of adding a second copy. Folders sort by the window's upper bound.
 */
export function rawKey(table: string, window: ChangeWindow): string {
  const digest = createHash('sha256').update(JSON.stringify(window)).digest('hex').slice(0, 12);
  return `${rawPrefix(table)}${window.upTo.slice(0, 10)}/${window.upTo.replaceAll(':', '')}-${digest}`;
}

/**
 * The folder of the tombstones one delete check wrote, named by the request that asked for it, so a retried check
 * overwrites its own parts. It sits beside the windows of the table, so every reader of the raw zone sees it.
 */
export function deletesKey(table: string, request: { id: string; occurredAt: string }): string {
  return `${rawPrefix(table)}${request.occurredAt.slice(0, 10)}/deletes-${request.id}`;
}

/** The folder of one build of a model, named by the message that caused it, so a retried build overwrites itself. */
export function processedKey(model: string, causeMessageId: string, day: string): string {
  return `${LakeZone.processed}/${model}/${day}/${causeMessageId}`;
}

/**
 * The folder of the rows read from one claim of inbox files, named by the key and version of each file it names
 * (for a claim of one file, as before batches: that file's), so a retried read overwrites its own parts. It sits
 * beside the windows of the table, so every reader of the raw zone sees it.
 */
export function inboxRawKey(
  table: string,
  files: { key: string; version: string } | readonly { key: string; version: string }[],
): string {
  const named = Array.isArray(files) ? files : [files];
  const digest = createHash('sha256')
    .update(named.map((file) => `${file.key}\n${file.version}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return `${rawPrefix(table)}inbox/${digest}`;
}

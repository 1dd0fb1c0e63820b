import type { RejectedRow } from '@totes/runtime';
import { InboxFileProblemError, InboxRowProblemError } from '../errors';

/** A rejected row's raw record is kept up to this many bytes of UTF-8: enough to see what was wrong. */
export const maxRawBytes = 1024;

/** What a file's reader does with a bad record: record it and go on, or throw to quarantine the file. */
export type OnReject = (rejected: RejectedRow) => void;

/** The reader's default: the first bad record quarantines the file, with the message it always had. */
export const failOnReject: OnReject = (rejected) => {
  throw new InboxFileProblemError(rejected.reason);
};

/**
 * Hands a bad record to `onReject`, as a {@link RejectedRow} with its raw record capped; anything but a problem of
 * one record (a truncated gzip, a bad header) is rethrown, as it is a problem of the whole file.
 */
export function rejectRecord(error: unknown, raw: () => string, onReject: OnReject): void {
  if (!(error instanceof InboxRowProblemError)) throw error;
  onReject({
    place: error.place,
    at: error.at,
    column: error.column,
    reason: error.problem,
    raw: capRaw(raw()),
  });
}

const ellipsis = '…';
const ellipsisBytes = Buffer.byteLength(ellipsis);

/**
 * A raw record cut to at most {@link maxRawBytes} bytes of UTF-8, ending in `…` when cut; a cut never splits a
 * character (a multi-byte one at the edge is left out whole).
 */
export function capRaw(text: string, maxBytes: number = maxRawBytes): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes - ellipsisBytes;
  // A continuation byte (10xxxxxx) belongs to the character before it: cut before that character's first byte.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end -= 1;
  return `${bytes.subarray(0, end).toString('utf8')}${ellipsis}`;
}

/** A CSV record written back as COPY writes it: a field quoted when it must be, NULL as nothing, `""` for empty. */
export function csvLine(fields: readonly (string | null)[]): string {
  return fields
    .map((field) => {
      if (field === null) return '';
      return field === '' || /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
    })
    .join(',');
}

/** A record's values as JSON, for a row of a Parquet file: bigints as their digits. */
export function jsonRecord(values: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(values, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
}

/** The rejects of one file as the extractor gathers them: every one counted, the first `keep` kept. */
export interface RejectTally {
  readonly onReject: OnReject;
  count(): number;
  kept(): readonly RejectedRow[];
}

/** A file's rejects are kept up to this many: a file of millions of bad rows has a pattern long before. */
export const maxKeptRejects = 1000;

/** Counts a file's rejects and keeps the first {@link maxKeptRejects}; `fail` throws on the first, after keeping it. */
export function tallyRejects(fail: boolean, keep: number = maxKeptRejects): RejectTally {
  const kept: RejectedRow[] = [];
  let count = 0;
  return {
    onReject(rejected) {
      count += 1;
      if (kept.length < keep) kept.push(rejected);
      if (fail) failOnReject(rejected);
    },
    count: () => count,
    kept: () => kept,
  };
}

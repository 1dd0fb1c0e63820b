import type { InboxFile } from '@totes/contracts';
import {
  allowedRejects,
  BadRowAction,
  formatInboxPolicy,
  type InboxPolicy,
  type parseInboxKey,
  type SourceTable,
  withinPolicy,
} from '@totes/model';
import type { RejectedRow } from '@totes/runtime';
import { InboxFileProblemError } from '../errors';
import type { InboxPorts } from '../types';
import { contentHash, fileBytes } from './file-bytes';
import { rowsOfFile } from './file-rows';
import { latestPerKey, type Superseded } from './latest-per-key';
import { tallyRejects } from './rejects';

/** How a file is read: its format and compression, from its key. */
export type FileShape = Pick<
  Extract<ReturnType<typeof parseInboxKey>, { ok: true }>,
  'format' | 'compression'
>;

/** What the first read found in a file its policy lets load. */
export interface Checked {
  readonly sha256: string;
  /** Rows read as the table's; rejected rows are not among them. */
  readonly rows: number;
  readonly rejected: number;
  readonly rejects: readonly RejectedRow[];
  readonly superseded: Superseded;
  readonly unknownColumns: readonly string[];
}

/** A file that must be quarantined: why, and the rows read and rejected up to then. */
export interface Refused {
  readonly problem: string;
  readonly rows: number;
  readonly rejected: number;
  readonly rejects: readonly RejectedRow[];
}

/**
 * The first read: the file's hash, its rows, rejected rows and superseded rows. Under `fail` the first bad row
 * refuses the file; under `skip` bad rows are counted (the first 1000 kept) and the file is refused only when they
 * are more than its policy allows. A problem of the whole file (a truncated gzip, a bad header) always refuses it.
 */
export async function checkFile(
  inbox: InboxPorts,
  file: InboxFile,
  table: SourceTable,
  shape: FileShape,
  policy: InboxPolicy,
): Promise<Checked | Refused> {
  const hash = contentHash();
  const tally = tallyRejects(policy.onBadRow === BadRowAction.fail);
  let rows = 0;
  let unknownColumns: readonly string[] = [];
  const versions = latestPerKey(table);
  try {
    const bytes = fileBytes(await inbox.readFile(file.key), shape.compression, hash);
    const batches = rowsOfFile(
      table,
      shape.format,
      bytes,
      (columns) => (unknownColumns = columns),
      tally.onReject,
    );
    for await (const batch of batches) {
      rows += batch.length;
      await versions.add(batch);
    }
    const superseded = await versions.finish();
    const checked = { sha256: hash.digest('hex'), rows, superseded, unknownColumns };
    return refuseOverThreshold(table, policy, { ...checked, rejected: tally.count(), rejects: tally.kept() });
  } catch (error) {
    if (error instanceof InboxFileProblemError)
      return { problem: error.problem, rows, rejected: tally.count(), rejects: tally.kept() };
    throw error;
  } finally {
    await versions.dispose();
  }
}

/** A file with more rejected rows than its policy allows is refused, saying how many and the first. */
function refuseOverThreshold(table: SourceTable, policy: InboxPolicy, checked: Checked): Checked | Refused {
  const problem = overThreshold(
    table,
    policy,
    checked.rows + checked.rejected,
    checked.rejected,
    checked.rejects,
  );
  if (problem === null) return checked;
  return { problem, rows: checked.rows, rejected: checked.rejected, rejects: checked.rejects };
}

/** Why a file of `read` records, `rejected` of them bad, is over its table's policy; null when it is not. */
export function overThreshold(
  table: SourceTable,
  policy: InboxPolicy,
  read: number,
  rejected: number,
  rejects: readonly RejectedRow[],
): string | null {
  if (withinPolicy(policy, rejected, read)) return null;
  return (
    `${rejected} of ${read} rows rejected, more than the ${allowedRejects(policy, read)} that ` +
    `${table.name}'s policy ${formatInboxPolicy(policy)} allows; the first: ${rejects[0]?.reason ?? ''}`
  );
}

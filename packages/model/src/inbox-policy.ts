import { ModelError, ModelErrorCode } from './errors';
import { findSourceTable } from './graph';

/** What the inbox does with a bad row of a file: quarantine the whole file, or set the row aside as a reject. */
export const BadRowAction = { fail: 'fail', skip: 'skip' } as const;
export type BadRowAction = (typeof BadRowAction)[keyof typeof BadRowAction];

/**
 * How a table's inbox files treat bad rows. Under `skip`, a file loads its good rows as long as its rejected rows
 * are at most `maxErrorRate` of the rows it holds (0 to 1); over that it is quarantined whole.
 */
export interface InboxPolicy {
  readonly onBadRow: BadRowAction;
  readonly maxErrorRate: number;
}

/** Every table's policy unless it declares its own: the first bad row quarantines the file. */
export const defaultInboxPolicy: InboxPolicy = { onBadRow: BadRowAction.fail, maxErrorRate: 0 };

/**
 * The tables whose files tolerate bad rows, beside the catalog they belong to: a table not named here takes
 * {@link defaultInboxPolicy}. `TOTES_INBOX_POLICY` overrides an entry for one platform without a release.
 */
export const inboxPolicies: Readonly<Record<string, InboxPolicy>> = {};

/** A table's policy: the override for it, else its declared entry, else the default. */
export function inboxPolicyOf(
  table: string,
  overrides: Readonly<Record<string, InboxPolicy>> = {},
): InboxPolicy {
  return overrides[table] ?? inboxPolicies[table] ?? defaultInboxPolicy;
}

/**
 * The most rows of a file of `rows` (good and bad) that a policy lets it reject and still load. A rate is exact
 * to a row: 1% of 250 rows allows 2 rejects, not 2.5; the epsilon stops 0.29 × 100 (28.999…) from allowing 28.
 */
export function allowedRejects(policy: InboxPolicy, rows: number): number {
  if (policy.onBadRow === BadRowAction.fail) return 0;
  return Math.floor(policy.maxErrorRate * rows + 1e-9);
}

/** Whether a file of `rows` rows with `rejected` of them bad may load its good rows under the policy. */
export function withinPolicy(policy: InboxPolicy, rejected: number, rows: number): boolean {
  return rejected <= allowedRejects(policy, rows);
}

/** A policy as a user writes it: `fail`, `skip` (no bad row allowed), `skip:0.01` or `skip:1%`. */
export function parseInboxPolicy(text: string): InboxPolicy {
  const [action, rate, ...rest] = text.trim().split(':');
  if (action === BadRowAction.fail && rate === undefined) return defaultInboxPolicy;
  if (action !== BadRowAction.skip || rest.length > 0)
    throw invalid(`"${text}" is not an inbox policy: write fail, skip, skip:0.01 or skip:1%`);
  if (rate === undefined) return { onBadRow: BadRowAction.skip, maxErrorRate: 0 };
  const percent = rate.endsWith('%');
  const value = Number(percent ? rate.slice(0, -1) : rate) / (percent ? 100 : 1);
  if (rate.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw invalid(`"${text}": the error rate must be from 0 to 1 (or 0% to 100%)`);
  return { onBadRow: BadRowAction.skip, maxErrorRate: value };
}

/** Overrides as `TOTES_INBOX_POLICY` gives them: `sales_order=skip:1%,payment=fail`; each table must be known. */
export function parseInboxPolicies(text: string | undefined): Record<string, InboxPolicy> {
  const policies: Record<string, InboxPolicy> = {};
  for (const entry of (text ?? '').split(',').filter((part) => part.trim() !== '')) {
    const [table = '', policy, ...rest] = entry.split('=');
    if (policy === undefined || rest.length > 0)
      throw invalid(`"${entry}" is not <table>=<policy>, as in sales_order=skip:1%`);
    if (!findSourceTable(table.trim()))
      throw invalid(`"${table.trim()}" is not a table of the catalog`, ModelErrorCode.unknownTable);
    policies[table.trim()] = parseInboxPolicy(policy);
  }
  return policies;
}

/** A policy as {@link parseInboxPolicy} reads it back, and as the ledger and `totes inbox show` print it. */
export function formatInboxPolicy(policy: InboxPolicy): string {
  if (policy.onBadRow === BadRowAction.fail) return BadRowAction.fail;
  return `${BadRowAction.skip}:${Number((policy.maxErrorRate * 100).toPrecision(12))}%`;
}

function invalid(message: string, code: ModelErrorCode = ModelErrorCode.invalidValue): ModelError {
  return new ModelError(code, message);
}

import { type InboxPolicy, inboxPolicyOf, parseInboxPolicy, type SourceTable } from '@totes/model';
import type { InboxPorts } from '../types';

/** The policy a file is read under: the one a replay asked for, else its table's as the platform configures it. */
export function policyFor(inbox: InboxPorts, table: SourceTable, replayed: string | null): InboxPolicy {
  if (replayed) return parseInboxPolicy(replayed);
  return inbox.policyOf?.(table.name) ?? inboxPolicyOf(table.name);
}

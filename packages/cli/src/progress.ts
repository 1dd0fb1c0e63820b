import type { DetectionResult } from '@totes/change-detector';
import { type FileChanged, LineageEventType, type ModelLoaded, piecesOf } from '@totes/contracts';
import { IdentityAction, type LakeIdentity } from '@totes/runtime';

/** Writes one progress line for a person watching `pnpm start`. */
export type Say = (line: string) => void;

/**
 * Progress lines for detection cycles. A table whose detection fails says so once, and again only when the reason
 * changes, instead of once a second; it says so again when it works once more.
 */
export function createDetectionProgress(say: Say): (result: DetectionResult) => void {
  const failing = new Map<string, string>();
  return (result) => {
    const failedNow = new Set<string>();
    for (const skip of result.skipped.filter((entry) => entry.reason === 'failed')) {
      const reason = (skip.error as Error)?.message ?? String(skip.error);
      failedNow.add(skip.table);
      if (failing.get(skip.table) === reason) continue;
      failing.set(skip.table, reason);
      say(
        `detection failed for ${skip.table}: ${reason} (retried every cycle; said again if the reason changes)`,
      );
    }
    for (const table of [...failing.keys()].filter((name) => !failedNow.has(name))) {
      failing.delete(table);
      say(`detection works again for ${table}`);
    }
    if (result.changes.length > 0)
      say(`detected: ${result.changes.map((change) => `${change.table} (${change.rows})`).join(', ')}`);
    if (result.files.length > 0) say(`inbox: ${result.files.map(claimLine).join(', ')}`);
    for (const file of result.quarantinedFiles)
      say(`inbox file quarantined: ${file.key}: ${file.reason} (totes inbox list shows every file)`);
  };
}

/** The line that tells a person what a start did to the lake's identity; none when it only found it matched. */
export function identityLine(identity: LakeIdentity): string | undefined {
  if (identity.action === IdentityAction.rebuild)
    return (
      `LAKE LOST: ${identity.lake} holds no platform instance id and no raw data, but the warehouse's state has ` +
      `one (${identity.instanceId}). Rebuilding it from the source: every table is extracted again ` +
      '(loads are idempotent; nothing doubles).'
    );
  if (identity.action === IdentityAction.adopt)
    return `lake ${identity.lake} held raw data but no platform instance id: adopted as ${identity.instanceId}`;
  if (identity.action === IdentityAction.create)
    return `new lake and warehouse: platform instance ${identity.instanceId} recorded in both`;
  return undefined;
}

/** The line for a load-complete event: a load, or a load that failed for good. */
export function loadedLine(loaded: ModelLoaded): string {
  if (loaded.eventType === LineageEventType.fail)
    return `FAILED to load ${loaded.model} from ${loaded.table}: dead-lettered (pnpm totes dlq show warehouse-loader)`;
  return `loaded ${loaded.model} from ${loaded.table}: ${loaded.rows.written} rows written`;
}

/**
 * Progress lines for the dead-letter queues: told the depth of each, it says which have grown since it was last
 * told, and how to see why.
 */
export function createDeadLetterProgress(say: Say): (depths: Readonly<Record<string, number>>) => void {
  const last = new Map<string, number>();
  return (depths) => {
    for (const [queue, depth] of Object.entries(depths)) {
      const before = last.get(queue) ?? 0;
      last.set(queue, depth);
      if (depth > before)
        say(
          `${queue} holds ${depth} dead-lettered message(s), ${depth - before} new: pnpm totes dlq show ${queue}`,
        );
    }
  };
}

/** A claim as the progress line names it: its file, or how many files of which table. */
function claimLine(claim: FileChanged): string {
  const pieces = piecesOf(claim);
  if (pieces.length === 1) return `${claim.file.key} (${claim.file.bytes} B)`;
  const bytes = pieces.reduce((sum, piece) => sum + piece.bytes, 0);
  return `${pieces.length} files of ${claim.table} (${bytes} B)`;
}

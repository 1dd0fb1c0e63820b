import { ChangeKind, MessageType, type TableChanged, type TableExtracted } from '@totes/contracts';

/**
 * The `table.changed` request that makes the extractor extract a window again, rebuilt from the `table.extracted`
 * message that announced the window. It keeps the original request's id, so the extraction is the same one: the raw
 * folder (named by the window) is overwritten, the `table.extracted` message gets the same id, and every build and
 * load downstream stays idempotent. This is how a corrupt raw part is repaired. Tombstones are repaired the same
 * way: the delete check is asked again under its original id, and rewrites its own folder.
 */
export function reExtractionOf(extracted: TableExtracted): TableChanged {
  if (extracted.causationId === null)
    throw new TypeError(`table.extracted ${extracted.id} names no table.changed request it came from`);
  const envelope = {
    id: extracted.causationId,
    type: MessageType.tableChanged,
    version: 1,
    occurredAt: extracted.occurredAt,
    runId: extracted.runId,
    causationId: null,
    table: extracted.table,
  } as const;
  if (extracted.kind === ChangeKind.deletes) return { ...envelope, kind: ChangeKind.deletes };
  // The file's claim is held by the original request, so the same id reads it again into the same folder.
  if (extracted.kind === ChangeKind.file)
    return {
      ...envelope,
      kind: ChangeKind.file,
      file: extracted.file,
      ...(extracted.pieces ? { pieces: extracted.pieces } : {}),
    };
  return {
    ...envelope,
    window: extracted.window,
    rows: extracted.object.rows,
  };
}

/** The lake part a `CorruptLakeObjectError` names in its message, e.g. `raw/staff/…/part-00000.parquet`. */
export function corruptPartOf(errorMessage: string | undefined): string | undefined {
  return /Parquet part (\S+\.parquet)/.exec(errorMessage ?? '')?.[1];
}

import { type LakeObject, LineageEventType, type ModelBuilt, type ModelLoaded } from '@totes/contracts';
import { findModel, type LakeColumn, processedColumnsOf } from '@totes/model';
import type { ColumnBatch, LineageNamespaces } from '@totes/runtime';
import { KindMismatchError, UnknownModelError } from './errors';
import { modelLoadedEvent } from './lineage-event';
import { referenceColumnsOf } from './reference-keys';
import type { WarehouseWriter } from './warehouse-writer';

/** What the loader's core needs from the world. */
export interface LoaderPorts {
  /** The dataset's parts as column batches: the loader never makes an object per row. */
  readColumns(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<ColumnBatch>;
  writer: WarehouseWriter;
  /** Where the datasets live, for the OpenLineage event. */
  namespaces: LineageNamespaces;
  now?: () => number;
}

/**
 * The loader's core: loads one built model into the warehouse and says what it did. The model is looked up by
 * name in the declarations, so nothing from the message ever becomes SQL. Only the parts not yet in the load ledger
 * are read: a redelivery after a crash between parts loads the rest.
 */
export async function loadBuiltModel(message: ModelBuilt, ports: LoaderPorts): Promise<ModelLoaded> {
  const now = ports.now ?? Date.now;
  const started = now();
  const model = findModel(message.model);
  if (!model) throw new UnknownModelError(message.model);
  if (model.kind !== message.kind) throw new KindMismatchError(model.name, model.kind, message.kind);
  const { parts } = message.object;
  const progress = await ports.writer.progress(message.id, parts.length);
  const partsAt = (indexes: readonly number[]) => indexes.map((index) => parts[index] as string);
  // A fact waiting for its dimensions is put back before its rows are decoded and copied.
  const waitedMs =
    model.kind === 'fact' && progress.pending.length > 0
      ? await ports.writer.checkDimensions(
          model,
          ports.readColumns({ parts: partsAt(progress.pending) }, referenceColumnsOf(model)),
        )
      : 0;
  const columns = processedColumnsOf(model);
  const outcome = await ports.writer.load(
    {
      messageId: message.id,
      runId: message.runId,
      model,
      table: message.table,
      extractionId: message.causationId,
    },
    progress,
    (part) => ports.readColumns({ parts: partsAt([part]) }, columns),
  );
  return modelLoadedEvent(message, ports.namespaces, {
    eventType: LineageEventType.complete,
    outcome,
    // The load's own time: a wait in place for dimension rows is not the load's, as a deferral is not.
    durationMs: now() - started - waitedMs,
  });
}

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
  // A fact's chunk waits for the dimension rows it references before its rows are decoded and copied, and is put
  // back if they do not come. Per chunk, not per dataset: the first chunks of a large fact load while the last
  // chunks of its dimension are still being loaded.
  let waitedMs: number | undefined;
  const ready =
    model.kind === 'fact'
      ? async (indexes: readonly number[]) => {
          const waited = await ports.writer.checkDimensions(
            model,
            ports.readColumns({ parts: partsAt(indexes) }, referenceColumnsOf(model)),
          );
          waitedMs ??= waited;
        }
      : undefined;
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
    ready,
  );
  return modelLoadedEvent(message, ports.namespaces, {
    eventType: LineageEventType.complete,
    outcome,
    // The load's own time: the wait in place before its first chunk could start is not the load's, as a deferral
    // is not. A later chunk's wait, while earlier chunks load, is.
    durationMs: now() - started - (waitedMs ?? 0),
  });
}

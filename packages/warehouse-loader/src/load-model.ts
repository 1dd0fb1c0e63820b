import { causedBy, type LakeObject, MessageType, type ModelBuilt, type ModelLoaded } from '@totes/contracts';
import { findModel, type LakeColumn, processedColumnsOf, type Row } from '@totes/model';
import { KindMismatchError, UnknownModelError } from './errors';
import type { WarehouseWriter } from './warehouse-writer';

/** What the loader's core needs from the world. */
export interface LoaderPorts {
  readDataset(object: Pick<LakeObject, 'parts'>, columns: readonly LakeColumn[]): AsyncIterable<Row[]>;
  writer: WarehouseWriter;
  now?: () => number;
}

/**
 * The loader's core: loads one built model into the warehouse and says what it did. The model is looked up by
 * name in the declarations, so nothing from the message ever becomes SQL.
 */
export async function loadBuiltModel(message: ModelBuilt, ports: LoaderPorts): Promise<ModelLoaded> {
  const now = ports.now ?? Date.now;
  const started = now();
  const model = findModel(message.model);
  if (!model) throw new UnknownModelError(message.model);
  if (model.kind !== message.kind) throw new KindMismatchError(model.name, model.kind, message.kind);
  const outcome = await ports.writer.load(
    {
      messageId: message.id,
      runId: message.runId,
      model,
      table: message.table,
      extractionId: message.causationId,
    },
    ports.readDataset(message.object, processedColumnsOf(model)),
  );
  return {
    ...causedBy(message),
    type: MessageType.modelLoaded,
    model: model.name,
    kind: model.kind,
    table: message.table,
    rows: { received: outcome.received, written: outcome.written },
    firstDelivery: outcome.firstDelivery,
    durationMs: now() - started,
  };
}

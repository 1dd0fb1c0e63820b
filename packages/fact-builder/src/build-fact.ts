import { derivedFrom, MessageType, type ModelBuilt, type TableExtracted } from '@totes/contracts';
import { type FactModel, findSourceTable, processedColumnsOf, rawColumnsOf } from '@totes/model';
import { type ColumnBatch, processedKey } from '@totes/runtime';
import { deriveFactColumns } from './derive-columns';
import { NotFactSourceError } from './errors';
import type { FactBuilderPorts } from './types';

/**
 * The fact builder's core: one fact row per changed source row, streamed batch by batch, so its cost follows the
 * size of the change, never the size of the fact. A tombstone (a source row deleted) gives the row's final version:
 * a new fact row with `_deleted_at` set; the earlier versions are never touched.
 */
export async function buildFact(
  message: TableExtracted,
  model: FactModel,
  ports: FactBuilderPorts,
): Promise<ModelBuilt> {
  const table = findSourceTable(message.table);
  if (!table || table.name !== model.primaryTable) throw new NotFactSourceError(model.name, message.table);
  const object = await ports.writeColumns(
    processedKey(model.name, message.id, message.occurredAt.slice(0, 10)),
    processedColumnsOf(model),
    deriveBatches(model, ports.readColumns(message.object, rawColumnsOf(table))),
  );
  const built: ModelBuilt = {
    ...derivedFrom(message, `built:${model.name}`),
    type: MessageType.modelBuilt,
    model: model.name,
    kind: model.kind,
    table: table.name,
    object,
  };
  await ports.publish(built);
  return built;
}

async function* deriveBatches(
  model: FactModel,
  batches: AsyncIterable<ColumnBatch>,
): AsyncGenerator<ColumnBatch> {
  for await (const batch of batches) yield deriveFactColumns(model, batch);
}

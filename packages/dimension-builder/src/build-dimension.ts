import { derivedFrom, MessageType, type ModelBuilt, type TableExtracted } from '@totes/contracts';
import {
  type CalendarDimension,
  type DimensionModel,
  deletedAtLakeColumn,
  dependenciesOf,
  deriveCalendarRow,
  findSourceTable,
  isTombstone,
  processedColumnsOf,
  type Row,
  rawColumnsOf,
  type SourceTable,
  type TableDimension,
} from '@totes/model';
import { type ColumnBatch, columnBatchOf, formatDate, processedKey, rowsOf } from '@totes/runtime';
import { addDaysReferenced, dateSourceColumns } from './calendar-days';
import { deriveDimensionColumns, deriveDimensionRows } from './derive-columns';
import { NotADependencyError } from './errors';
import type { BuilderPorts, Partners } from './types';

/**
 * The dimension builder's core: rebuilds the rows of one dimension that a table's extracted change affects, writes
 * them to the processed zone and announces them. Only affected rows are built: the changed primary rows, or, when
 * a joined table changed, the primary rows that point at its changed rows, read from the lake's current state. A
 * tombstone of a primary row gives the dimension row with `_deleted_at` set: kept, never removed, so facts keep
 * their references. The changed rows are read and derived as columns, batch by batch.
 */
export async function buildDimension(
  message: TableExtracted,
  model: DimensionModel,
  ports: BuilderPorts,
): Promise<ModelBuilt> {
  const table = findSourceTable(message.table);
  if (!table || !dependenciesOf(model).includes(message.table))
    throw new NotADependencyError(model.name, message.table);
  const batches =
    model.build === 'calendar'
      ? calendarBatches(model, table, ports.readColumns(message.object, dateSourceColumns(table)))
      : await tableBatches(model, table, message, ports);
  const object = await ports.writeColumns(
    processedKey(model.name, message.id, message.occurredAt.slice(0, 10)),
    processedColumnsOf(model),
    batches,
  );
  const built: ModelBuilt = {
    ...derivedFrom(message, `built:${model.name}`),
    type: MessageType.modelBuilt,
    model: model.name,
    kind: model.kind,
    table: message.table,
    object,
  };
  await ports.publish(built);
  return built;
}

// Each batch's days not seen in an earlier batch, in order, as calendar rows (a few thousand in all).
async function* calendarBatches(
  model: CalendarDimension,
  table: SourceTable,
  changed: AsyncIterable<ColumnBatch>,
): AsyncGenerator<ColumnBatch> {
  const seen = new Set<number>();
  for await (const batch of changed) {
    const days = new Set<number>();
    addDaysReferenced(table, batch, days);
    const fresh = [...days].filter((day) => !seen.has(day) && seen.add(day));
    if (fresh.length === 0) continue;
    const rows = fresh
      .sort((a, b) => a - b)
      .map((day) => deriveCalendarRow(model, formatDate(day) as string));
    yield columnBatchOf(processedColumnsOf(model), rows);
  }
}

async function tableBatches(
  model: TableDimension,
  table: SourceTable,
  message: TableExtracted,
  ports: BuilderPorts,
): Promise<AsyncIterable<ColumnBatch>> {
  const primary = findSourceTable(model.primaryTable);
  if (!primary) throw new NotADependencyError(model.name, model.primaryTable);
  const partners = await readPartners(model, ports);
  if (table.name === primary.name) {
    const changed = ports.readColumns(message.object, rawColumnsOf(table));
    return mapBatches(changed, (batch) => deriveDimensionColumns(model, batch, partners));
  }
  // A joined table changed: rebuild the primary rows that point at its changed rows (few: the row path). A deleted
  // partner changes nothing: the rows that point at it keep its last known values.
  const join = model.joins.find((candidate) => candidate.table === table.name);
  const key = table.columns.filter((column) => column.name === table.primaryKey);
  const changedIds = new Set<number>();
  for await (const batch of ports.readColumns(message.object, [...key, deletedAtLakeColumn]))
    for (const row of rowsOf(batch)) if (!isTombstone(row)) changedIds.add(Number(row[table.primaryKey]));
  const affected = await ports.readCurrentState(primary, (row) =>
    changedIds.has(Number(row[join?.foreignKey ?? ''])),
  );
  const processed = processedColumnsOf(model);
  return mapBatches(batchesOf([...affected.values()]), (rows) =>
    columnBatchOf(processed, deriveDimensionRows(model, rows, partners)),
  );
}

/** The current rows of every joined table, by key; joined tables are small lookups (departments, addresses). */
async function readPartners(model: TableDimension, ports: BuilderPorts): Promise<Partners> {
  const partners = new Map<string, ReadonlyMap<number, Row>>();
  for (const join of model.joins) {
    const source = findSourceTable(join.table);
    if (!source) throw new NotADependencyError(model.name, join.table);
    partners.set(join.table, await ports.readCurrentState(source));
  }
  return partners;
}

async function* mapBatches<T>(
  batches: AsyncIterable<T>,
  map: (batch: T) => ColumnBatch,
): AsyncGenerator<ColumnBatch> {
  for await (const batch of batches) {
    const mapped = map(batch);
    if (mapped.length > 0) yield mapped;
  }
}

async function* batchesOf(rows: Row[], size = 10_000): AsyncGenerator<Row[]> {
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

import { derivedFrom, MessageType, type ModelBuilt, type TableExtracted } from '@totes/contracts';
import {
  type CalendarDimension,
  type DimensionModel,
  datesReferenced,
  dependenciesOf,
  deriveCalendarRow,
  deriveDimensionRow,
  factModels,
  findSourceTable,
  isTombstone,
  processedColumnsOf,
  type Row,
  rawColumnsOf,
  type SourceTable,
  type TableDimension,
} from '@totes/model';
import { processedKey } from '@totes/runtime';
import { NotADependencyError } from './errors';
import type { BuilderPorts } from './types';

/**
 * The dimension builder's core: rebuilds the rows of one dimension that a table's extracted change affects, writes
 * them to the processed zone and announces them. Only affected rows are built: the changed primary rows, or, when
 * a joined table changed, the primary rows that point at its changed rows, read from the lake's current state. A
 * tombstone of a primary row gives the dimension row with `_deleted_at` set: kept, never removed, so facts keep
 * their references.
 */
export async function buildDimension(
  message: TableExtracted,
  model: DimensionModel,
  ports: BuilderPorts,
): Promise<ModelBuilt> {
  const table = findSourceTable(message.table);
  if (!table || !dependenciesOf(model).includes(message.table))
    throw new NotADependencyError(model.name, message.table);
  const rows =
    model.build === 'calendar'
      ? calendarRows(model, table, ports.readDataset(message.object, dateSourceColumns(table)))
      : await tableRows(model, table, ports.readDataset(message.object, rawColumnsOf(table)), ports);
  const object = await ports.writeDataset(
    processedKey(model.name, message.id, message.occurredAt.slice(0, 10)),
    processedColumnsOf(model),
    rows,
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

/** The columns of a table that the facts' dates are derived from: all the calendar build reads of it. */
export function dateSourceColumns(table: SourceTable): SourceTable['columns'] {
  const names = new Set<string>();
  for (const fact of factModels.filter((candidate) => candidate.primaryTable === table.name))
    for (const column of fact.columns)
      if (column.references === 'dim_date' && 'from' in column.derive) {
        const [from, name] = column.derive.from.split('.');
        if (from === table.name && name) names.add(name);
      }
  return table.columns.filter((column) => names.has(column.name));
}

async function* calendarRows(
  model: CalendarDimension,
  table: SourceTable,
  changed: AsyncIterable<Row[]>,
): AsyncGenerator<Row[]> {
  const seen = new Set<string>();
  for await (const rows of changed) {
    const fresh = rows
      .flatMap((row) => datesReferenced(factModels, table.name, row))
      .filter((date) => !seen.has(date) && seen.add(date));
    if (fresh.length > 0) yield fresh.sort().map((date) => deriveCalendarRow(model, date));
  }
}

async function tableRows(
  model: TableDimension,
  table: SourceTable,
  changed: AsyncIterable<Row[]>,
  ports: BuilderPorts,
): Promise<AsyncIterable<Row[]>> {
  const primary = findSourceTable(model.primaryTable);
  if (!primary) throw new NotADependencyError(model.name, model.primaryTable);
  const partners = await readPartners(model, ports);
  const build = (rows: readonly Row[]) =>
    rows.flatMap((row) => {
      const sources: Record<string, Row | undefined> = { [primary.name]: row };
      for (const join of model.joins)
        sources[join.table] = partners.get(join.table)?.get(Number(row[join.foreignKey]));
      const built = deriveDimensionRow(model, sources);
      return built ? [built] : [];
    });
  if (table.name === primary.name) return mapBatches(changed, build);
  // A joined table changed: rebuild the primary rows that point at its changed rows. A deleted partner changes
  // nothing: the rows that point at it keep its last known values.
  const join = model.joins.find((candidate) => candidate.table === table.name);
  const changedIds = new Set<number>();
  for await (const rows of changed)
    for (const row of rows) if (!isTombstone(row)) changedIds.add(Number(row[table.primaryKey]));
  const affected = await ports.readCurrentState(primary, (row) =>
    changedIds.has(Number(row[join?.foreignKey ?? ''])),
  );
  return mapBatches(batchesOf([...affected.values()]), build);
}

/** The current rows of every joined table, by key; joined tables are small lookups (departments, addresses). */
async function readPartners(
  model: TableDimension,
  ports: BuilderPorts,
): Promise<Map<string, ReadonlyMap<number, Row>>> {
  const partners = new Map<string, ReadonlyMap<number, Row>>();
  for (const join of model.joins) {
    const source = findSourceTable(join.table);
    if (!source) throw new NotADependencyError(model.name, join.table);
    partners.set(join.table, await ports.readCurrentState(source));
  }
  return partners;
}

async function* mapBatches(
  batches: AsyncIterable<Row[]>,
  map: (rows: readonly Row[]) => Row[],
): AsyncGenerator<Row[]> {
  for await (const rows of batches) {
    const mapped = map(rows);
    if (mapped.length > 0) yield mapped;
  }
}

async function* batchesOf(rows: Row[], size = 10_000): AsyncGenerator<Row[]> {
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

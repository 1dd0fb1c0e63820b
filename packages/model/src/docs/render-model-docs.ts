import { deletedAtColumn, deletedAtDescription, deletedAtSql, marksDeletes } from '../deletes';
import { sourceVersionColumn } from '../derive';
import { ModelError, ModelErrorCode } from '../errors';
import { dependenciesOf, factVersionKey, findModel, findSourceTable } from '../graph';
import { sourceTables } from '../source-catalog';
import { platformTopology } from '../topology';
import {
  type CalendarDimension,
  type FactModel,
  type Join,
  type SourceColumn,
  type SourceTable,
  StarSchema,
  type TableDimension,
  type WarehouseColumn,
  type WarehouseModel,
} from '../types';
import { warehouseModels } from '../warehouse-model';
import { describeDerivation } from './derivation-words';
import { renderLineageGraph } from './lineage-graph';
import { Align, code, codeLink, codeList, headingAnchor, markdownTable } from './markdown';

/** The path of the generated docs, from the repository root. */
export const modelDocsFile = 'docs/model.md';

const models: readonly WarehouseModel[] = warehouseModels;
const sources: readonly SourceTable[] = sourceTables;

const starTitle: Readonly<Record<StarSchema, string>> = {
  sales: 'Sales',
  purchases: 'Purchases',
  payments: 'Payments',
};

const section = {
  lineage: 'Lineage',
  routing: 'Routing: which source changes rebuild which tables',
  stars: 'Star schemas',
  warehouse: 'Warehouse tables',
  sources: 'Source tables',
} as const;

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

function sectionLink(title: string): string {
  return `[${title}](#${headingAnchor(title)})`;
}

function starLink(star: StarSchema): string {
  return `[${starTitle[star]}](#${headingAnchor(starTitle[star])})`;
}

function sourceHeading(table: string): string {
  return `Source ${table}`;
}

function sourceAnchor(table: string): string {
  return headingAnchor(sourceHeading(table));
}

function sourceLink(table: string): string {
  return codeLink(table, sourceAnchor(table));
}

function renderHeader(): string {
  return [
    `<!-- Generated from packages/model by \`pnpm docs\`. Do not edit by hand: change the model and run \`pnpm docs\`. -->`,
    '',
    '# Warehouse model',
    '',
    `> **Generated file.** Written from the declarations in ${code('packages/model')} by ${code('pnpm docs')};`,
    '> do not edit it by hand. Change the model, then run `pnpm docs` to regenerate it.',
    '',
    `How the ${sources.length} tables of the ${code('totesys')} database become the ${models.length} tables of the`,
    'warehouse: which source tables each warehouse table is built from, how the tables form three star schemas, and',
    'how every warehouse column is computed.',
    '',
    ...Object.values(section).map((title, index) => `${index + 1}. ${sectionLink(title)}`),
  ].join('\n');
}

function renderLineage(): string {
  return [
    `## ${section.lineage}`,
    '',
    'A solid arrow runs from a source table to each warehouse table built from it: a change to the source table',
    'rebuilds the warehouse table. A dotted grey arrow runs from a fact to each dimension that its columns reference.',
    '',
    renderLineageGraph(),
  ].join('\n');
}

function renderRoutingMatrix(): string {
  const rows = sources.map((source) => {
    const marks = models.map((model) => (dependenciesOf(model).includes(source.name) ? '✓' : ''));
    const count = marks.filter((mark) => mark !== '').length;
    return [sourceLink(source.name), ...marks, String(count)];
  });
  return markdownTable(['source table', ...models.map((model) => code(model.name)), 'models'], rows, [
    Align.left,
    ...models.map(() => Align.center),
    Align.right,
  ]);
}

function renderFilterPolicies(): string {
  const rows = platformTopology().queues.flatMap((queue) =>
    queue.model
      ? [
          [
            code(queue.name),
            codeLink(queue.model),
            queue.consumer,
            code(JSON.stringify(queue.filterPolicy ?? {})),
          ],
        ]
      : [],
  );
  return markdownTable(['queue', 'model', 'consumer', `filter policy on ${code('extracted')}`], rows);
}

function renderRouting(): string {
  return [
    `## ${section.routing}`,
    '',
    'One row per source table, one column per warehouse table: ✓ where the warehouse table is built from the source',
    'table, so that a change to it rebuilds the warehouse table. The last column counts the tables it rebuilds.',
    '',
    renderRoutingMatrix(),
    '',
    `The platform routes changes this way: each warehouse table has its own queue on the ${code('extracted')}`,
    'topic, whose SNS filter policy lets through exactly the source tables ticked in its column.',
    '',
    renderFilterPolicies(),
  ].join('\n');
}

/** The fact columns that point at a dimension, by dimension, in column order. */
function referencesByDimension(fact: FactModel): Map<string, WarehouseColumn[]> {
  const byDimension = new Map<string, WarehouseColumn[]>();
  for (const column of fact.columns) {
    if (!column.references) continue;
    byDimension.set(column.references, [...(byDimension.get(column.references) ?? []), column]);
  }
  return byDimension;
}

/** The key of the dimension a fact column references; a reference to anything else is a broken model. */
function dimensionKey(name: string): string {
  const model = findModel(name);
  if (model?.kind !== 'dimension') {
    throw new ModelError(
      ModelErrorCode.unknownModel,
      `a fact column references ${name}, which is no dimension`,
    );
  }
  return model.key;
}

function joinCondition(fact: FactModel, column: WarehouseColumn, dimension: string): string {
  return code(`${fact.name}.${column.name} = ${dimension}.${dimensionKey(dimension)}`);
}

function renderStarFact(fact: FactModel): string {
  const rows = [...referencesByDimension(fact)].map(([dimension, columns]) => [
    codeLink(dimension),
    columns.map((column) => joinCondition(fact, column, dimension)).join('<br>'),
  ]);
  return [
    `Fact ${codeLink(fact.name)}: ${fact.description}`,
    '',
    markdownTable(['dimension', 'joined on'], rows),
  ].join('\n');
}

function renderStar(star: StarSchema): string {
  const facts = models.filter(
    (model): model is FactModel => model.kind === 'fact' && model.stars.includes(star),
  );
  return [`### ${starTitle[star]}`, '', ...facts.map(renderStarFact)].join('\n');
}

function renderStars(): string {
  return [
    `## ${section.stars}`,
    '',
    'Each star is a fact and the dimensions its columns reference. A fact may join one dimension several times',
    `(${code('dim_date')} once per date column).`,
    '',
    `Each reference is a foreign key of the fact, declared ${code('NOT ENFORCED')} (PostgreSQL 18 and later): BI tools`,
    `and ${code('\\d')} see the relationships, but PostgreSQL checks no row against them. The loader enforces them`,
    'instead: before each load’s transaction it checks every distinct key of the rows it is about to load against the',
    'dimensions, one lookup of the dimension’s key per key, and loads no fact whose dimension rows are missing (the',
    'message waits, then is dead-lettered; docs/architecture.md, "Facts never before their dimensions").',
    'Dimension rows are never deleted, only marked, so a reference checked at load time stays true, and',
    `${code('totes verify')} checks every reference again. On PostgreSQL 16 or 17, which cannot declare a foreign key`,
    `${code('NOT ENFORCED')} (a warehouse on your own server, ${code('TOTES_WAREHOUSE_URL')}), the facts have no`,
    'foreign keys at all; the loader enforces the references the same way.',
    '',
    Object.values(StarSchema).map(renderStar).join('\n\n'),
  ].join('\n');
}

function kindOf(model: WarehouseModel): string {
  if (model.kind === 'fact') {
    return `fact: one row per version of a ${sourceLink(model.primaryTable)} row, never updated`;
  }
  if (model.build === 'calendar') return 'dimension, calendar: one row per date that some fact references';
  return `dimension: one row per ${sourceLink(model.primaryTable)} row, latest values only`;
}

function keyOf(model: WarehouseModel): string {
  if (model.kind === 'dimension') return `${code(model.key)} (primary key)`;
  return [
    `surrogate ${code(model.recordId)} (serial primary key);`,
    `version key ${codeList(factVersionKey(model))} (unique: a load skips a version the table already holds)`,
  ].join(' ');
}

function joinOn(dimension: TableDimension, join: Join): string {
  const joined = findSourceTable(join.table);
  if (!joined) {
    throw new ModelError(ModelErrorCode.unknownTable, `${dimension.name} joins unknown table ${join.table}`);
  }
  return code(`${dimension.primaryTable}.${join.foreignKey} = ${join.table}.${joined.primaryKey}`);
}

function joinWords(dimension: TableDimension): string[] {
  return dimension.joins.map(
    (join) =>
      `${sourceLink(join.table)} (${join.type} join on ${joinOn(dimension, join)}: ` +
      (join.type === 'inner'
        ? `a row whose ${join.table} has not arrived is built when it arrives)`
        : `a row whose ${join.table} is missing is kept with nulls)`),
  );
}

function calendarSources(calendar: CalendarDimension): string {
  const columns = models.flatMap((model) =>
    model.columns
      .filter((column) => column.references === calendar.name)
      .map((column) => `${model.name}.${column.name}`),
  );
  return `every date in ${codeList(columns)}`;
}

function builtFrom(model: WarehouseModel): string {
  if (model.build === 'calendar') return calendarSources(model);
  const primary = `${sourceLink(model.primaryTable)} (primary table)`;
  if (model.kind === 'fact') return primary;
  return [primary, ...joinWords(model)].join(', ');
}

function modelFacts(model: WarehouseModel): string[] {
  const facts = [
    `- **Kind:** ${kindOf(model)}.`,
    `- **Key:** ${keyOf(model)}.`,
    `- **Built from:** ${builtFrom(model)}.`,
    `- **Rebuilt on changes to:** ${dependenciesOf(model).map(sourceLink).join(', ')}.`,
  ];
  if (model.kind === 'fact') facts.push(`- **Star schemas:** ${model.stars.map(starLink).join(', ')}.`);
  return facts;
}

function columnSources(model: WarehouseModel, column: WarehouseColumn): string {
  if ('from' in column.derive) return code(column.derive.from);
  if (model.kind === 'dimension' && column.name !== model.key) return code(model.key);
  return 'the dates that facts reference';
}

function columnDescription(column: WarehouseColumn): string {
  if (!column.references) return column.description;
  return `${column.description} References ${codeLink(column.references)}.${code(dimensionKey(column.references))}.`;
}

function columnRow(model: WarehouseModel, column: WarehouseColumn): string[] {
  return [
    code(column.name),
    code(column.sql),
    yesNo(column.nullable),
    columnSources(model, column),
    describeDerivation(column.derive),
    columnDescription(column),
  ];
}

function recordIdRow(fact: FactModel): string[] {
  return [
    code(fact.recordId),
    code('serial'),
    'no',
    '—',
    'assigned by the warehouse when the row is loaded',
    'Surrogate key: one per version of a source row.',
  ];
}

function sourceVersionRow(dimension: TableDimension): string[] {
  const tables = [dimension.primaryTable, ...dimension.joins.map((join) => join.table)];
  const hasLeftJoin = dimension.joins.some((join) => join.type === 'left');
  return [
    code(sourceVersionColumn),
    code('text'),
    'no',
    codeList(tables.map((table) => `${table}.last_updated`)),
    tables.length === 1
      ? `${code('last_updated')} of the source row, as text`
      : `the ${code('last_updated')} of each source row, in the order listed, joined with ${code('|')}` +
        (hasLeftJoin ? '; a missing left-join partner counts as the oldest version' : ''),
    'Hidden bookkeeping, not for analysis: compared as text it orders competing versions of a row, so a load never replaces a row with one built from older sources.',
  ];
}

function deletedAtRow(model: WarehouseModel): string[] {
  const marks =
    model.kind === 'fact'
      ? 'set on the final version row that a deletion adds (its `last_updated_*` is the deletion); null on every earlier version'
      : 'set when the source row is gone; the row is kept, with its last known values, so facts keep their references';
  return [code(deletedAtColumn), code(deletedAtSql), 'yes', '—', marks, deletedAtDescription];
}

function renderColumns(model: WarehouseModel): string {
  const rows = model.columns.map((column) => columnRow(model, column));
  if (model.kind === 'fact') rows.unshift(recordIdRow(model));
  if (model.kind === 'dimension' && model.build === 'table') rows.push(sourceVersionRow(model));
  if (marksDeletes(model)) rows.push(deletedAtRow(model));
  return markdownTable(['column', 'type', 'nullable', 'source column(s)', 'derivation', 'description'], rows);
}

function renderModel(model: WarehouseModel): string {
  return [
    `### ${model.name}`,
    '',
    model.description,
    '',
    ...modelFacts(model),
    '',
    renderColumns(model),
  ].join('\n');
}

function renderModelIndex(): string {
  return markdownTable(
    ['table', 'kind', 'description'],
    models.map((model) => [codeLink(model.name), model.kind, model.description]),
  );
}

function renderWarehouse(): string {
  return [
    `## ${section.warehouse}`,
    '',
    'In the order they are declared, dimensions before facts: the order in which a full load lands. Types are the',
    `warehouse's PostgreSQL types; ${code('—')} marks a column that no source column feeds.`,
    '',
    renderModelIndex(),
    '',
    models.map(renderModel).join('\n\n'),
  ].join('\n');
}

/** Where the warehouse uses one source column: the warehouse columns it feeds, joins and source versions. */
function usesOf(source: SourceTable, column: SourceColumn): string[] {
  const ref = `${source.name}.${column.name}`;
  return models.flatMap((model) => {
    const uses = model.columns
      .filter((target) => 'from' in target.derive && target.derive.from === ref)
      .map((target) => code(`${model.name}.${target.name}`));
    if (model.kind !== 'dimension' || model.build !== 'table') return uses;
    const joined = model.joins.find(
      (join) => model.primaryTable === source.name && join.foreignKey === column.name,
    );
    if (joined) uses.push(`joins ${code(joined.table)} in ${code(model.name)}`);
    const matched = model.joins.find(
      (join) => join.table === source.name && column.name === source.primaryKey,
    );
    if (matched) {
      uses.push(`matched by ${code(`${model.primaryTable}.${matched.foreignKey}`)} in ${code(model.name)}`);
    }
    const read = [model.primaryTable, ...model.joins.map((join) => join.table)].includes(source.name);
    if (read && column.name === source.cursor) uses.push(code(`${model.name}.${sourceVersionColumn}`));
    return uses;
  });
}

function renderSource(source: SourceTable): string {
  const rows = source.columns.map((column) => [
    code(column.name),
    code(column.sql),
    code(column.decimal ? `decimal(${column.decimal.precision},${column.decimal.scale})` : column.lake),
    yesNo(column.nullable),
    usesOf(source, column).join(', ') || '—',
  ]);
  return [
    `### ${sourceHeading(source.name)}`,
    '',
    source.description,
    '',
    `- **Primary key:** ${code(source.primaryKey)}.`,
    `- **Cursor:** ${code(source.cursor)} orders the changes; the primary key breaks ties.`,
    `- **Read by:** ${codeList(models.filter((model) => dependenciesOf(model).includes(source.name)).map((model) => model.name))}.`,
    '',
    markdownTable(['column', 'SQL type', 'lake type', 'nullable', 'used in the warehouse'], rows),
  ].join('\n');
}

function renderSources(): string {
  return [
    `## ${section.sources}`,
    '',
    `The ${sources.length} tables of ${code('totesys')} that the platform reads, as the live database defines them.`,
    `SQL types are those of the totesys DDL; lake types those of the Parquet files in the lake. ${code('—')} in the`,
    'last column marks a column the warehouse does not use.',
    '',
    sources.map(renderSource).join('\n\n'),
  ].join('\n');
}

/**
 * The model docs as Markdown, derived from the declarations in this package: lineage graph, routing matrix and
 * filter policies, star schemas, every warehouse table with its columns, and the source catalog. Pure: the same
 * model always renders the same text, with no dates in it. `pnpm docs` writes it to {@link modelDocsFile}.
 *
 * @throws {ModelError} when a fact column references something that is not a dimension, or a dimension joins a
 * table missing from the source catalog.
 */
export function renderModelDocs(): string {
  return `${[renderHeader(), renderLineage(), renderRouting(), renderStars(), renderWarehouse(), renderSources()].join('\n\n')}\n`;
}

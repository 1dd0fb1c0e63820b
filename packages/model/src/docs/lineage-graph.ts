import { dependenciesOf } from '../graph';
import { sourceTables } from '../source-catalog';
import type { SourceTable, WarehouseModel } from '../types';
import { warehouseModels } from '../warehouse-model';

/** The three kinds of node in the lineage graph, each styled apart. */
export const LineageNodeKind = { source: 'source', dimension: 'dimension', fact: 'fact' } as const;
export type LineageNodeKind = (typeof LineageNodeKind)[keyof typeof LineageNodeKind];

const nodePrefix: Readonly<Record<LineageNodeKind, string>> = { source: 'src', dimension: 'wh', fact: 'wh' };

const subgraphTitle: Readonly<Record<LineageNodeKind, string>> = {
  source: 'Source tables in totesys',
  dimension: 'Dimensions',
  fact: 'Facts',
};

const nodeStyle: Readonly<Record<LineageNodeKind, string>> = {
  source: 'fill:#eceff1,stroke:#546e7a,color:#263238',
  dimension: 'fill:#e3f2fd,stroke:#1565c0,color:#0d2b4e',
  fact: 'fill:#fff3e0,stroke:#e65100,color:#4e2600',
};

/**
 * The mermaid id of a node: its kind's prefix and its name with anything but letters, digits and `_` replaced,
 * so no name can clash with a keyword (`end`) or with mermaid's edge syntax.
 */
export function lineageNodeId(kind: LineageNodeKind, name: string): string {
  return `${nodePrefix[kind]}_${name.replaceAll(/[^A-Za-z0-9_]/g, '_')}`;
}

function modelKind(model: WarehouseModel): LineageNodeKind {
  return model.kind === 'fact' ? LineageNodeKind.fact : LineageNodeKind.dimension;
}

function modelId(model: WarehouseModel): string {
  return lineageNodeId(modelKind(model), model.name);
}

/** Labels are always quoted; names hold only letters, digits and `_`, but a quote would end the label. */
function node(id: string, label: string): string {
  return `    ${id}["${label.replaceAll('"', '#quot;')}"]`;
}

function subgraph(kind: LineageNodeKind, nodes: readonly string[]): string[] {
  return [`  subgraph ${kind}s["${subgraphTitle[kind]}"]`, ...nodes, '  end'];
}

function sourceEdges(models: readonly WarehouseModel[]): string[] {
  return models.flatMap((model) =>
    dependenciesOf(model).map((table) => `  ${lineageNodeId('source', table)} --> ${modelId(model)}`),
  );
}

/** The dimensions a fact's columns point at, once each, in column order. */
function referencedDimensions(model: WarehouseModel): string[] {
  return [...new Set(model.columns.flatMap((column) => (column.references ? [column.references] : [])))];
}

function referenceEdges(models: readonly WarehouseModel[]): string[] {
  return models
    .filter((model) => model.kind === 'fact')
    .flatMap((fact) =>
      referencedDimensions(fact).map(
        (dimension) => `  ${modelId(fact)} -.-> ${lineageNodeId('dimension', dimension)}`,
      ),
    );
}

/** Greys the reference arrows, which mermaid numbers after the source arrows, so the build lineage stands out. */
function referenceStyle(first: number, count: number): string[] {
  if (count === 0) return [];
  const indexes = Array.from({ length: count }, (_, offset) => first + offset);
  return [`  linkStyle ${indexes.join(',')} stroke:#90a4ae`];
}

function classLines(sources: readonly SourceTable[], models: readonly WarehouseModel[]): string[] {
  const ids: Record<LineageNodeKind, string[]> = {
    source: sources.map((source) => lineageNodeId('source', source.name)),
    dimension: models.filter((model) => model.kind === 'dimension').map(modelId),
    fact: models.filter((model) => model.kind === 'fact').map(modelId),
  };
  return Object.values(LineageNodeKind).flatMap((kind) => [
    `  classDef ${kind} ${nodeStyle[kind]}`,
    `  class ${ids[kind].join(',')} ${kind}`,
  ]);
}

/**
 * The lineage as a mermaid `flowchart LR`: a solid arrow from each source table to each model built from it, a
 * dotted arrow from each fact to each dimension its columns reference.
 */
export function renderLineageGraph(): string {
  const sources: readonly SourceTable[] = sourceTables;
  const models: readonly WarehouseModel[] = warehouseModels;
  const byKind = (kind: LineageNodeKind) =>
    models.filter((model) => modelKind(model) === kind).map((model) => node(modelId(model), model.name));
  const edges = sourceEdges(models);
  const references = referenceEdges(models);
  return [
    '```mermaid',
    'flowchart LR',
    ...subgraph(
      'source',
      sources.map((source) => node(lineageNodeId('source', source.name), source.name)),
    ),
    ...subgraph('dimension', byKind('dimension')),
    ...subgraph('fact', byKind('fact')),
    ...edges,
    ...references,
    ...referenceStyle(edges.length, references.length),
    ...classLines(sources, models),
    '```',
  ].join('\n');
}

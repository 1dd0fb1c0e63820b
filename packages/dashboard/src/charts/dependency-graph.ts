import * as Plot from '@observablehq/plot';
import { dependenciesOf, sourceTables, warehouseModels } from '@totes/model';
import type { Chart } from './charts';
import { renderPlot } from './plot';

interface Node {
  readonly name: string;
  readonly kind: 'source table' | 'dimension' | 'fact';
  readonly x: number;
  readonly y: number;
}

/** The nodes of the graph: the source tables on the left, the models (dimensions, then facts) on the right. */
export function dependencyNodes(): Node[] {
  const tables = sourceTables.map(
    (table, index): Node => ({ name: table.name, kind: 'source table', x: 0, y: index }),
  );
  const models = warehouseModels.map(
    (model, index): Node => ({
      name: model.name,
      kind: model.kind === 'fact' ? 'fact' : 'dimension',
      x: 1,
      y: index * ((sourceTables.length - 1) / Math.max(1, warehouseModels.length - 1)),
    }),
  );
  return [...tables, ...models];
}

/** One edge per table a model is built from, as `packages/model` derives it. */
export function dependencyEdges(): { table: string; model: string }[] {
  return warehouseModels.flatMap((model) =>
    dependenciesOf(model).map((table) => ({ table, model: model.name })),
  );
}

/** The table → model dependency graph, drawn from the model: what a change to each table rebuilds. */
export function dependencyGraph(): Chart {
  const nodes = dependencyNodes();
  const at = (name: string, x: number) => nodes.find((node) => node.name === name && node.x === x);
  const edges = dependencyEdges().map((edge) => ({
    ...edge,
    from: at(edge.table, 0),
    to: at(edge.model, 1),
  }));
  const markLabel = 'dot';
  return {
    markLabel,
    svg: renderPlot({
      width: 1100,
      height: 360,
      marginLeft: 130,
      marginRight: 150,
      axis: null,
      ariaLabel: `Dependency graph: the ${sourceTables.length} source tables and the ${warehouseModels.length} models built from them`,
      ariaDescription: 'A line from a source table to each model that a change to it rebuilds.',
      x: { domain: [0, 1] },
      y: { domain: [sourceTables.length - 0.5, -0.5] },
      color: {
        domain: ['source table', 'dimension', 'fact'],
        range: ['#546e7a', '#1565c0', '#e65100'],
        legend: false,
      },
      marks: [
        Plot.link(edges, {
          x1: (edge) => edge.from?.x,
          y1: (edge) => edge.from?.y,
          x2: (edge) => edge.to?.x,
          y2: (edge) => edge.to?.y,
          stroke: '#90a4ae',
          strokeOpacity: 0.8,
          ariaLabel: (edge) => `${edge.table} → ${edge.model}`,
          title: (edge) => `${edge.table} → ${edge.model}`,
        }),
        Plot.dot(nodes, {
          x: 'x',
          y: 'y',
          fill: 'kind',
          r: 5,
          ariaLabel: markLabel,
          title: (node: Node) => `${node.name} (${node.kind})`,
        }),
        Plot.text(
          nodes.filter((node) => node.x === 0),
          { x: 'x', y: 'y', text: 'name', dx: -9, textAnchor: 'end', fontSize: 11 },
        ),
        Plot.text(
          nodes.filter((node) => node.x === 1),
          { x: 'x', y: 'y', text: 'name', dx: 9, textAnchor: 'start', fontSize: 11 },
        ),
      ],
    }),
  };
}

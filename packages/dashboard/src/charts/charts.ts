import * as Plot from '@observablehq/plot';
import type { SafeHtml } from '../html';
import type { Grain } from '../params';
import type { QueryRow } from '../types';
import { renderPlot } from './plot';

/** A rendered chart, and the accessible name of its data mark: one element per row of its query. */
export interface Chart {
  readonly svg: SafeHtml;
  /** The `aria-label` Plot gives the group holding one mark per row (`dot`, `bar`, `rect`). */
  readonly markLabel: string;
}

/** What every chart says about itself to a screen reader, and the colours of its categories. */
export interface ChartFrame {
  /** The accessible name of the chart (the SVG's `aria-label`). */
  readonly name: string;
  readonly description: string;
  readonly colour?: { readonly domain: readonly string[]; readonly range: readonly string[] };
}

const width = 600;

/** One dot per row on a line per series (a currency, paid or unpaid): amounts over time. */
export function timeSeriesChart(
  rows: readonly QueryRow[],
  options: { y: string; yLabel: string; series: string; facet?: string; grain: Grain; frame: ChartFrame },
): Chart {
  const data = rows.map((row) => ({ ...row, period: dayOf(row.period), value: Number(row[options.y]) }));
  const markLabel = 'dot';
  const common = { x: 'period', y: 'value', fy: options.facet };
  const describe = (row: QueryRow) =>
    `${row.period}  ${row[options.series]}  ${row[options.y]}${options.facet ? `  ${row[options.facet]}` : ''}`;
  return {
    markLabel,
    svg: renderPlot({
      width,
      height: options.facet ? 320 : 260,
      marginLeft: 64,
      ariaLabel: options.frame.name,
      ariaDescription: options.frame.description,
      x: { type: 'utc', label: null },
      y: { label: options.yLabel, grid: true, tickFormat: '~s' },
      color: colourScale(options.frame),
      marks: [
        Plot.ruleY([0]),
        Plot.lineY(data, { ...common, stroke: options.series }),
        Plot.dot(data, { ...common, fill: options.series, r: 2.5, ariaLabel: describe, title: describe }),
      ],
    }),
  };
}

/** One column per period: counts over time that are not money (units, quantities). */
export function columnChart(
  rows: readonly QueryRow[],
  options: { y: string; yLabel: string; grain: Grain; frame: ChartFrame },
): Chart {
  const data = rows.map((row) => ({
    period: dayOf(row.period),
    value: Number(row[options.y]),
    label: row.period,
  }));
  const markLabel = 'rect';
  const describe = (row: { label: unknown; value: number }) => `${row.label}  ${row.value}`;
  return {
    markLabel,
    svg: renderPlot({
      width,
      height: 260,
      marginLeft: 64,
      ariaLabel: options.frame.name,
      ariaDescription: options.frame.description,
      x: { type: 'utc', label: null },
      y: { label: options.yLabel, grid: true, tickFormat: '~s' },
      marks: [
        Plot.rectY(data, {
          x: 'period',
          y: 'value',
          interval: options.grain === 'week' ? 'monday' : options.grain,
          fill: '#4269d0',
          insetLeft: 0.5,
          insetRight: 0.5,
          ariaLabel: describe,
          title: describe,
        }),
        Plot.ruleY([0]),
      ],
    }),
  };
}

/**
 * One bar per row: a measure by label, side by side per currency (`facet`), stacked by `fill` within one currency
 * only (paid and unpaid of the same currency add up; two currencies never do).
 */
export function barChart(
  rows: readonly QueryRow[],
  options: { x: string; xLabel: string; y: string; facet?: string; fill?: string; frame: ChartFrame },
): Chart {
  const data = rows.map((row) => ({ ...row, value: Number(row[options.x]) }));
  const labels = [...new Set(rows.map((row) => String(row[options.y])))];
  const facets = options.facet ? new Set(rows.map((row) => row[options.facet as string])).size : 1;
  const markLabel = 'bar';
  const describe = (row: QueryRow) =>
    [
      row[options.y],
      options.facet ? row[options.facet] : '',
      options.fill ? row[options.fill] : '',
      row[options.x],
    ]
      .filter((part) => part !== '')
      .join('  ');
  return {
    markLabel,
    svg: renderPlot({
      width,
      height: 50 + Math.max(1, labels.length) * 18,
      marginLeft: 180,
      marginRight: 16,
      ariaLabel: options.frame.name,
      ariaDescription: options.frame.description,
      x: { label: options.xLabel, grid: true, tickFormat: '~s', ticks: Math.max(2, Math.floor(6 / facets)) },
      y: { label: null, domain: labels, tickFormat: (label: string) => truncate(label, 30) },
      fx: options.facet ? { label: null } : undefined,
      color: colourScale(options.frame),
      marks: [
        Plot.barX(data, {
          x: 'value',
          y: options.y,
          fx: options.facet,
          fill: options.fill ?? '#4269d0',
          ariaLabel: describe,
          title: describe,
        }),
        Plot.ruleX([0]),
      ],
    }),
  };
}

function colourScale(frame: ChartFrame): Plot.ScaleOptions | undefined {
  return frame.colour ? { domain: [...frame.colour.domain], range: [...frame.colour.range] } : undefined;
}

/** A `YYYY-MM-DD` day as the UTC instant Plot's time scale places. */
function dayOf(value: unknown): Date {
  return new Date(`${String(value)}T00:00:00Z`);
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

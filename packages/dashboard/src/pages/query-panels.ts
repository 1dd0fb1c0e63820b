import { barChart, type Chart, type ChartFrame } from '../charts/charts';
import { html } from '../html';
import { allCurrencies, type DashboardParams } from '../params';
import type { PageName, QueryRow } from '../types';
import {
  chartFigure,
  describeParams,
  type Panel,
  type PanelContext,
  queryDisclosure,
  queryLink,
} from './panel';

/** How a chart panel draws its query's rows. */
export type DrawChart = (rows: readonly QueryRow[], params: DashboardParams, frame: ChartFrame) => Chart;

/** A panel that draws one named query as one chart. */
export function chartPanel(options: {
  id: string;
  page: PageName;
  title: string;
  query: string;
  draw: DrawChart;
  /** Colour by currency (the default) or by the chart's own categories. */
  colours?: ChartFrame['colour'];
}): Panel {
  return {
    id: options.id,
    page: options.page,
    title: options.title,
    dependsOn: (catalog) => catalog.get(options.query).dependsOn,
    body: async (context, params) => {
      const result = await context.runner.run(context.catalog.get(options.query), params);
      const frame: ChartFrame = {
        name: `${options.title}: ${describeParams(params)}`,
        description: `${result.rows.length} row(s) of the query ${options.query}`,
        colour: options.colours ?? context.palette,
      };
      return chartFigure(result, options.draw(result.rows, params, frame), params);
    },
  };
}

/** A column of a numbers table: the row's key, its heading, and what it holds. */
export interface NumberColumn {
  readonly key: string;
  readonly label: string;
  /** An amount of the row's currency, a count, or a word (the currency, paid or unpaid). */
  readonly kind: 'money' | 'count' | 'text';
}

/** A panel of numbers (totals per currency): each number links to the query that gave it. */
export function numbersPanel(options: {
  id: string;
  page: PageName;
  title: string;
  query: string;
  columns: readonly NumberColumn[];
}): Panel {
  return {
    id: options.id,
    page: options.page,
    title: options.title,
    dependsOn: (catalog) => catalog.get(options.query).dependsOn,
    body: async (context, params) => {
      const result = await context.runner.run(context.catalog.get(options.query), params);
      return html`${numbersTable(context, result.rows, options, params)}${queryDisclosure(result, params)}`;
    },
  };
}

function numbersTable(
  context: PanelContext,
  rows: readonly QueryRow[],
  options: { query: string; columns: readonly NumberColumn[] },
  params: DashboardParams,
) {
  if (rows.length === 0) return html`<p class="empty">No rows for these filters.</p>`;
  const link = queryLink(options.query, params);
  const cell = (row: QueryRow, column: NumberColumn) => {
    const value = row[column.key];
    if (column.key === 'currency')
      return html`<th scope="row">${currencySwatch(context, String(value))} ${String(value)}</th>`;
    if (column.kind === 'text') return html`<td>${String(value ?? '')}</td>`;
    const shown =
      column.kind === 'money' ? `${formatAmount(value)} ${row.currency ?? ''}` : formatCount(value);
    return html`<td class="number" data-key="${column.key}"><a href="${link}" title="from the query ${options.query}">${shown}</a></td>`;
  };
  return html`<table class="numbers" data-query="${options.query}" data-rows="${rows.length}">
<thead><tr>${options.columns.map((column) => html`<th scope="col">${column.label}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr data-currency="${String(row.currency ?? '')}">${options.columns.map((column) => cell(row, column))}</tr>`)}</tbody>
</table>`;
}

function currencySwatch(context: PanelContext, currency: string) {
  return html`<svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${context.palette.colourOf(currency)}"/></svg>`;
}

/** An exact decimal's text with thousands separators, never through a float. */
export function formatAmount(value: unknown): string {
  const text = String(value ?? '0');
  const [whole = '0', fraction = ''] = text.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${digits}.${fraction.padEnd(2, '0').slice(0, 2)}`;
}

/** A count with thousands separators; a sum of units comes as the text of a bigint. */
function formatCount(value: unknown): string {
  if (typeof value === 'number') return value.toLocaleString('en-GB');
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value).toLocaleString('en-GB');
  return String(value ?? '');
}

/** Facet by currency only when every currency is shown: one currency needs no columns. */
export function currencyFacet(params: DashboardParams): 'currency' | undefined {
  return params.currency === allCurrencies ? 'currency' : undefined;
}

/**
 * Draws an amount (`x`, its own axis label) per category (`y`) as bars coloured by `fill`, one facet per currency
 * when every currency is shown: the breakdowns of the sales, purchases and payments pages.
 */
export function amountBars(x: string, y: string, fill: string): DrawChart {
  return (rows, params, frame) =>
    barChart(rows, { x, xLabel: x, y, facet: currencyFacet(params), fill, frame });
}

import type { Chart } from '../charts/charts';
import type { Palette } from '../charts/palette';
import { html, type SafeHtml } from '../html';
import { type DashboardParams, paramsQuery } from '../params';
import type { QueryCatalog } from '../queries/catalog';
import type { QueryRunner } from '../query-runner';
import type { HealthReport, PageName, QueryResult } from '../types';

/** What a panel needs to render: the queries, the health report and the page's colours. */
export interface PanelContext {
  readonly catalog: QueryCatalog;
  readonly runner: QueryRunner;
  readonly health: () => Promise<HealthReport>;
  /** The currencies' colours, the same on every chart. */
  readonly palette: Palette;
}

/** A panel of a page: re-rendered alone, as a fragment, when a model it depends on is loaded. */
export interface Panel {
  readonly id: string;
  readonly page: PageName;
  readonly title: string;
  /** The models (and the health key) whose change re-renders it. */
  dependsOn(catalog: QueryCatalog): readonly string[];
  body(context: PanelContext, params: DashboardParams): Promise<SafeHtml>;
}

/** A panel's markup, and whether its data could not be read (a panel that failed is drawn again next time). */
export interface RenderedPanel {
  readonly html: SafeHtml;
  readonly failed: boolean;
}

/** A panel wrapped as the page and the live script see it: its id, what it depends on, and where to fetch it again. */
export async function renderPanel(
  panel: Panel,
  context: PanelContext,
  params: DashboardParams,
): Promise<RenderedPanel> {
  let failed = false;
  const body = await panel.body(context, params).catch((error: Error) => {
    failed = true;
    return html`<p class="failed" role="alert">This panel could not be read: ${error.message}</p>`;
  });
  const query = paramsQuery(params);
  return {
    failed,
    html: html`<section class="panel" id="panel-${panel.id}" data-panel="${panel.id}" data-depends="${panel
      .dependsOn(context.catalog)
      .join(
        ' ',
      )}" data-src="/panel/${panel.id}${query ? `?${query}` : ''}" aria-labelledby="title-${panel.id}">
<h2 id="title-${panel.id}">${panel.title}</h2>
${body}
</section>`,
  };
}

/** A chart with the query it came from: the figure says how many rows it drew and which mark drew them. */
export function chartFigure(result: QueryResult, chart: Chart, params: DashboardParams): SafeHtml {
  return html`<figure class="chart-figure" data-query="${result.query.name}" data-rows="${result.rows.length}" data-mark="${chart.markLabel}">
${chart.svg}
${result.rows.length === 0 ? html`<figcaption class="empty">No rows for these filters.</figcaption>` : ''}
</figure>
${queryDisclosure(result, params)}`;
}

/** The link to a query's rows as JSON, for these parameters. */
export function queryLink(name: string, params: DashboardParams): string {
  const query = paramsQuery(params);
  return `/api/query/${name}${query ? `?${query}` : ''}`;
}

/** The query behind a panel: its name, its SQL, the values it ran with, and a link to its rows. */
export function queryDisclosure(result: QueryResult, params: DashboardParams): SafeHtml {
  const values = result.query.sql.params.map(
    (name, index) =>
      html`<li><code>$${index + 1}</code> ${name} = <code>${JSON.stringify(result.values[index])}</code></li>`,
  );
  return html`<details class="query"><summary>Query <code>${result.query.name}</code>, ${result.rows.length} row(s) · <a href="${queryLink(result.query.name, params)}">rows as JSON</a></summary>
<pre><code>${result.query.sql.text}</code></pre>
${values.length > 0 ? html`<ul class="values">${values}</ul>` : ''}
</details>`;
}

/** How the parameters narrow a chart, in words, for its accessible name. */
export function describeParams(params: DashboardParams): string {
  const currency = params.currency === 'all' ? 'every currency, side by side' : params.currency;
  const range =
    params.from && params.to
      ? `from ${params.from} to ${params.to}`
      : params.from
        ? `from ${params.from}`
        : params.to
          ? `up to ${params.to}`
          : 'all time';
  return `${currency}, ${range}`;
}

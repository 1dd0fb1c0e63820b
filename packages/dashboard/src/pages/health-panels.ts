import { warehouseModels } from '@totes/model';
import { dependencyGraph } from '../charts/dependency-graph';
import { html, type SafeHtml } from '../html';
import { defaultParams } from '../params';
import {
  type HealthReport,
  healthKey,
  type ModelHealth,
  PageName,
  type QueueHealth,
  type TableHealth,
} from '../types';
import { type Panel, queryDisclosure } from './panel';

const page = PageName.health;

/** Every health panel follows every load: a load moves a model's last load, a run's end, a queue's depth. */
const everything = () => [healthKey, ...warehouseModels.map((model) => model.name)];

function healthPanel(id: string, title: string, body: (report: HealthReport) => SafeHtml): Panel {
  return { id, page, title, dependsOn: everything, body: async (context) => body(await context.health()) };
}

/** The command that shows a dead-letter queue's messages, for the stage the dashboard watches. */
export function dlqShowCommand(report: Pick<HealthReport, 'stage'>, queue: QueueHealth): string {
  return `pnpm totes dlq show ${queue.deadLetterQueue}${report.stage === 'local' ? '' : ` --stage ${report.stage}`}`;
}

const alerts = healthPanel('health-alerts', 'Alerts', (report) =>
  report.alerts.length === 0
    ? html`<p class="ok">No alerts: <code>totes status</code> would exit 0.</p>`
    : html`<ul class="alerts" role="alert">${report.alerts.map((alert) => html`<li>${alert}</li>`)}</ul>`,
);

/** A timestamp to the second, UTC, as a person scans a column of them: `2026-12-02 03:01:32`. */
export function shortTime(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').slice(0, 19) : '-';
}

/** How fresh a table is: up to date, or how far behind and by how many rows. */
function freshness(table: TableHealth): string {
  if (table.pendingRows === null || table.lagSeconds === null) return 'unknown';
  if (table.pendingRows === 0) return 'up to date';
  return `${table.lagSeconds} s behind (${table.pendingRows} rows)`;
}

const tables = healthPanel('health-tables', 'Source tables', (report) => {
  if (!report.tables) return html`<p class="note">${report.note ?? 'The tables cannot be read.'}</p>`;
  return html`<table class="health"><thead><tr><th scope="col">table</th><th scope="col">freshness</th><th scope="col">last change loaded</th><th scope="col">last run (rows)</th></tr></thead>
<tbody>${report.tables.map(
    (table) => html`<tr data-table="${table.table}"><th scope="row">${table.table}</th>
<td>${freshness(table)}</td>
<td class="time">${table.consistentUpTo ? shortTime(table.consistentUpTo.lastUpdated) : 'nothing yet'}</td>
<td>${table.lastRun ? `${shortTime(table.lastRun.startedAt)} (${table.lastRun.rows})` : '-'}${table.sourceError ? html`<br><strong>cannot read the source:</strong> ${table.sourceError}` : ''}${table.schemaDrift ? html`<br><strong>stopped since ${shortTime(table.schemaDrift.since)}:</strong> ${table.schemaDrift.problem}` : ''}</td></tr>`,
  )}</tbody></table>`;
});

const models = healthPanel('health-models', 'Models', (report) => {
  if (!report.models) return html`<p class="note">${report.note ?? 'The models cannot be read.'}</p>`;
  const head = ['model', 'last load', 'rows written', 'cause', 'loads'].map(
    (name) => html`<th scope="col">${name}</th>`,
  );
  const row = (model: ModelHealth) => html`<tr data-model="${model.model}"><th scope="row">${model.model}</th>
<td class="time">${shortTime(model.lastLoadedAt)}</td><td class="number">${model.lastRowsWritten ?? '-'}</td>
<td>${model.lastCause ? html`<code title="a change to ${model.lastCause.table}, run ${model.lastCause.runId}">${model.lastCause.table}</code>` : '-'}</td>
<td class="number">${model.loads}</td></tr>`;
  return html`<table class="health"><thead><tr>${head}</tr></thead><tbody>${report.models.map(row)}</tbody></table>`;
});

const queues = healthPanel('health-queues', 'Queues and dead letters', (report) => {
  if (!report.queues)
    return html`<p class="note" role="alert">The queues cannot be read: ${report.queuesError ?? ''}</p>`;
  return html`<table class="health"><thead><tr><th scope="col">queue</th><th scope="col">depth</th><th scope="col">dead-letter queue</th><th scope="col">dead letters</th></tr></thead>
<tbody>${report.queues.map(
    (
      queue,
    ) => html`<tr data-queue="${queue.queue}" class="${queue.deadLetters > 0 ? 'dead-letters' : ''}"><th scope="row">${queue.queue}</th><td class="number">${queue.depth}</td>
<td>${queue.deadLetterQueue}</td><td class="number" data-dead-letters="${queue.deadLetters}">${queue.deadLetters}${queue.deadLetters > 0 ? html` <code class="command">${dlqShowCommand(report, queue)}</code>` : ''}</td></tr>`,
  )}</tbody></table>`;
});

const runs: Panel = {
  id: 'health-runs',
  page,
  title: 'Recent runs',
  dependsOn: everything,
  body: async (context) => {
    const result = await context.runner.run(context.catalog.get('recent_runs'), defaultParams);
    const table = html`<table class="health" data-query="recent_runs" data-rows="${result.rows.length}"><thead><tr><th scope="col">started (UTC)</th><th scope="col">state</th><th scope="col">duration</th><th scope="col">tables</th><th scope="col">rows</th></tr></thead>
<tbody>${result.rows.map(
      (run) =>
        html`<tr><td class="time">${String(run.started_at)}</td><td>${String(run.state)}</td><td class="number">${run.duration_ms === null ? '-' : `${run.duration_ms} ms`}</td><td>${String(run.tables)}</td><td class="number">${String(run.rows)}</td></tr>`,
    )}</tbody></table>`;
    return html`${table}${queryDisclosure(result, defaultParams)}`;
  },
};

const graph: Panel = {
  id: 'health-graph',
  page,
  title: 'Table → model dependencies',
  dependsOn: () => [],
  body: async () => {
    const chart = dependencyGraph();
    return html`<figure class="chart-figure" data-mark="${chart.markLabel}">${chart.svg}<figcaption>From <code>packages/model</code>: a change to a source table rebuilds the models it points to.</figcaption></figure>`;
  },
};

/** The health page: `totes status`'s alerts first, then tables, models, queues, runs and the dependency graph. */
export const healthPanels: readonly Panel[] = [alerts, tables, models, queues, runs, graph];

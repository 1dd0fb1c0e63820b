import { paletteOf } from '../charts/palette';
import { UnknownQueryError } from '../errors';
import type { SafeHtml } from '../html';
import { type DashboardParams, defaultParams, paramsQuery } from '../params';
import type { QueryCatalog } from '../queries/catalog';
import type { QueryRunner } from '../query-runner';
import { type HealthReport, healthKey, type PageName } from '../types';
import { healthPanels } from './health-panels';
import { layout } from './layout';
import type { Panel, PanelContext, RenderedPanel } from './panel';
import { renderPanel } from './panel';
import { paymentsPanels } from './payments-panels';
import { purchasesPanels } from './purchases-panels';
import { salesPanels } from './sales-panels';

/** Every panel of every page. */
export const allPanels: readonly Panel[] = [
  ...salesPanels,
  ...purchasesPanels,
  ...paymentsPanels,
  ...healthPanels,
];

/** Renders pages and single panels from the catalog, the runner and the health report. */
export interface PageRenderer {
  page(page: PageName, params: DashboardParams): Promise<SafeHtml>;
  /** @throws {@link UnknownQueryError} for a panel that does not exist. */
  panel(id: string, params: DashboardParams): Promise<SafeHtml>;
}

/**
 * The panels' markup, kept like the aggregates they draw: until a model they read is loaded. Drawing a chart costs
 * more than reading its cached rows. Health panels are not kept: their report changes without any load. A panel
 * whose query failed is not kept either.
 */
function createRenderedCache(runner: QueryRunner, catalog: QueryCatalog, maxEntries = 300) {
  const held = new Map<string, { stamp: string; html: SafeHtml }>();
  return {
    async get(panel: Panel, params: DashboardParams, draw: () => Promise<RenderedPanel>): Promise<SafeHtml> {
      const keys = panel.dependsOn(catalog);
      if (keys.includes(healthKey)) return (await draw()).html;
      const key = `${panel.id}?${paramsQuery(params)}`;
      // The currencies give every chart its colours, so their load redraws every panel too.
      const stamp = runner.stamp([...keys, 'dim_currency']);
      const found = held.get(key);
      if (found?.stamp === stamp) return found.html;
      const drawn = await draw();
      if (runner.stamp([...keys, 'dim_currency']) === stamp && !drawn.failed) {
        held.delete(key);
        held.set(key, { stamp, html: drawn.html });
        for (const oldest of held.keys()) {
          if (held.size <= maxEntries) break;
          held.delete(oldest);
        }
      }
      return drawn.html;
    },
  };
}

export function createPageRenderer(options: {
  catalog: QueryCatalog;
  runner: QueryRunner;
  health: () => Promise<HealthReport>;
}): PageRenderer {
  const context = async (): Promise<PanelContext & { currencies: { code: string; name: string }[] }> => {
    // The currencies name the selector's options and give each currency its colour on every chart.
    const result = await options.runner.run(options.catalog.get('currencies'), defaultParams);
    const currencies = result.rows.map((row) => ({ code: String(row.code), name: String(row.name) }));
    return { ...options, currencies, palette: paletteOf(currencies.map((currency) => currency.code)) };
  };
  const rendered = createRenderedCache(options.runner, options.catalog);
  const render = (panel: Panel, shared: PanelContext, params: DashboardParams) =>
    rendered.get(panel, params, () => renderPanel(panel, shared, params));
  return {
    async page(page, params) {
      const shared = await context();
      const panels = await Promise.all(
        allPanels.filter((panel) => panel.page === page).map((panel) => render(panel, shared, params)),
      );
      return layout({ page, params, currencies: shared.currencies, panels });
    },
    async panel(id, params) {
      const panel = allPanels.find((candidate) => candidate.id === id);
      if (!panel) throw new UnknownQueryError(id);
      return render(panel, await context(), params);
    },
  };
}

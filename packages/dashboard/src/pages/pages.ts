import { paletteOf } from '../charts/palette';
import { UnknownQueryError } from '../errors';
import type { SafeHtml } from '../html';
import type { DashboardParams } from '../params';
import { defaultParams } from '../params';
import type { QueryCatalog } from '../queries/catalog';
import type { QueryRunner } from '../query-runner';
import type { HealthReport, PageName } from '../types';
import { healthPanels } from './health-panels';
import { layout } from './layout';
import type { Panel, PanelContext } from './panel';
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
  return {
    async page(page, params) {
      const shared = await context();
      const panels = await Promise.all(
        allPanels.filter((panel) => panel.page === page).map((panel) => renderPanel(panel, shared, params)),
      );
      return layout({ page, params, currencies: shared.currencies, panels });
    },
    async panel(id, params) {
      const panel = allPanels.find((candidate) => candidate.id === id);
      if (!panel) throw new UnknownQueryError(id);
      return renderPanel(panel, await context(), params);
    },
  };
}

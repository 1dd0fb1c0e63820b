import { html, type SafeHtml } from '../html';
import { allCurrencies, type DashboardParams, Grain, maxTop } from '../params';
import { PageName } from '../types';

const titles: Readonly<Record<PageName, string>> = {
  sales: 'Sales',
  purchases: 'Purchases',
  payments: 'Payments',
  health: 'Platform health',
};

/** A whole page: navigation, the shared controls (on the star pages), the panels, and the one live script. */
export function layout(options: {
  page: PageName;
  params: DashboardParams;
  currencies: readonly { code: string; name: string }[];
  panels: readonly SafeHtml[];
}): SafeHtml {
  const { page, params } = options;
  const nav = Object.values(PageName).map(
    (name) => html`<a href="/${name}"${name === page ? html` aria-current="page"` : ''}>${titles[name]}</a>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${titles[page]} · Totes dashboard</title>
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/live.js" defer></script>
</head>
<body data-page="${page}" data-live="connecting">
<header class="top">
<span class="brand">Terrific Totes</span>
<nav aria-label="Pages">${nav}</nav>
<span class="live" id="live-status" role="status" aria-live="polite">connecting…</span>
</header>
${page === PageName.health ? '' : controls(page, params, options.currencies)}
<main class="panels panels-${page}">
<h1>${titles[page]}</h1>
${options.panels}
</main>
<footer>Amounts are never summed across currencies: totesys has no exchange rates. Every number links to its query. Panels update when the platform loads a model they read.</footer>
</body>
</html>`;
}

function controls(
  page: PageName,
  params: DashboardParams,
  currencies: readonly { code: string; name: string }[],
): SafeHtml {
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  return html`<form class="controls" method="get" action="/${page}" aria-label="Filters">
<label>From <input type="date" name="from" value="${params.from ?? ''}"></label>
<label>To <input type="date" name="to" value="${params.to ?? ''}"></label>
<label>Currency <select name="currency">
${option(allCurrencies, 'All, side by side', params.currency === allCurrencies)}
${currencies.map((currency) => option(currency.code, `${currency.code} (${currency.name})`, params.currency === currency.code))}
</select></label>
<label>By <select name="grain">${Object.values(Grain).map((grain) => option(grain, grain, params.grain === grain))}</select></label>
<label>Top <input type="number" name="top" min="1" max="${maxTop}" value="${params.top}"></label>
<button type="submit">Apply</button>
</form>`;
}

import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { type SafeHtml, trusted } from '../html';

/** The class Plot gives every chart; the dashboard's stylesheet holds the rules Plot would have put inline. */
export const chartClass = 'chart';

// One DOM shim for every chart: Plot creates detached elements in it and never attaches them.
const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>');

/**
 * Renders a Plot chart to SVG markup on the server. Plot's inline `<style>` elements and `style` attributes are
 * removed, so the page's Content-Security-Policy needs no `'unsafe-inline'`: the same rules are in dashboard.css.
 */
export function renderPlot(options: Plot.PlotOptions): SafeHtml {
  const chart = Plot.plot({
    ...options,
    className: chartClass,
    document: document as unknown as Plot.PlotOptions['document'],
  });
  for (const style of chart.querySelectorAll('style')) style.remove();
  for (const styled of chart.querySelectorAll('[style]')) styled.removeAttribute('style');
  chart.removeAttribute('style');
  return trusted(chart.outerHTML);
}

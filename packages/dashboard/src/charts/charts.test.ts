import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { barChart, columnChart, timeSeriesChart } from './charts';
import { dependencyEdges, dependencyGraph } from './dependency-graph';

function parse(markup: string) {
  return parseHTML(`<!doctype html><html><body>${markup}</body></html>`).document;
}

const frame = { name: 'Revenue over time: every currency', description: '3 rows' };

describe('charts rendered on the server', () => {
  it('draw one dot per row over time, under the accessible name given', () => {
    const rows = [
      { period: '2024-01-01', currency: 'GBP', revenue: '65.00' },
      { period: '2024-02-01', currency: 'USD', revenue: '40.00' },
      { period: '2024-03-01', currency: 'GBP', revenue: '2.50' },
    ];

    const chart = timeSeriesChart(rows, {
      y: 'revenue',
      yLabel: 'revenue',
      series: 'currency',
      grain: 'month',
      frame,
    });
    const svg = parse(chart.svg.text).querySelector('svg');

    expect(svg?.getAttribute('aria-label')).toBe('Revenue over time: every currency');
    expect(svg?.querySelectorAll(`g[aria-label="${chart.markLabel}"] circle`)).toHaveLength(3);
  });

  it('draw one bar per row, side by side per currency', () => {
    const rows = [
      { label: 'London', currency: 'GBP', revenue: '52.50' },
      { label: 'Paris', currency: 'GBP', revenue: '15.00' },
      { label: 'Paris', currency: 'USD', revenue: '40.00' },
    ];

    const chart = barChart(rows, {
      x: 'revenue',
      xLabel: 'revenue',
      y: 'label',
      facet: 'currency',
      fill: 'currency',
      frame,
    });
    const svg = parse(chart.svg.text).querySelector('svg');

    expect(svg?.querySelectorAll(`g[aria-label="${chart.markLabel}"] rect`)).toHaveLength(3);
    expect(svg?.textContent).toContain('USD');
  });

  it('draw one column per period', () => {
    const rows = [
      { period: '2024-01-01', units: 25 },
      { period: '2024-01-08', units: 4 },
    ];

    const chart = columnChart(rows, { y: 'units', yLabel: 'units', grain: 'week', frame });

    expect(parse(chart.svg.text).querySelectorAll(`g[aria-label="${chart.markLabel}"] rect`)).toHaveLength(2);
  });

  it('carry no inline style, so a policy without unsafe-inline renders them as drawn', () => {
    const chart = barChart([{ label: 'x', value: '1' }], { x: 'value', xLabel: 'v', y: 'label', frame });
    const document = parse(chart.svg.text);

    expect(document.querySelectorAll('style')).toHaveLength(0);
    expect(document.querySelectorAll('[style]')).toHaveLength(0);
  });

  it('escape what the warehouse holds: a design named like markup stays text', () => {
    const chart = barChart([{ design: '<script>alert(1)</script>', units: 3 }], {
      x: 'units',
      xLabel: 'units',
      y: 'design',
      frame,
    });

    expect(parse(chart.svg.text).querySelectorAll('script')).toHaveLength(0);
  });

  it('draw the table → model graph from the model: one node per table and model, one line per dependency', () => {
    const chart = dependencyGraph();
    const svg = parse(chart.svg.text).querySelector('svg');

    expect(svg?.querySelectorAll(`g[aria-label="${chart.markLabel}"] circle`)).toHaveLength(22);
    expect(svg?.querySelectorAll('g[aria-label="link"] path')).toHaveLength(dependencyEdges().length);
    expect(dependencyEdges()).toContainEqual({ table: 'department', model: 'dim_staff' });
  });
});

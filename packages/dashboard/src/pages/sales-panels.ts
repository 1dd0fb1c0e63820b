import { barChart, columnChart, timeSeriesChart } from '../charts/charts';
import { PageName } from '../types';
import type { Panel } from './panel';
import { amountBars, chartPanel, numbersPanel } from './query-panels';

const page = PageName.sales;

/** The sales page: revenue and units over time, top designs, by place, staff, department and counterparty. */
export const salesPanels: readonly Panel[] = [
  numbersPanel({
    id: 'sales-totals',
    page,
    title: 'Revenue per currency',
    query: 'sales_totals',
    columns: [
      { key: 'currency', label: 'Currency', kind: 'text' },
      { key: 'revenue', label: 'Revenue', kind: 'money' },
      { key: 'units', label: 'Units', kind: 'count' },
      { key: 'orders', label: 'Orders', kind: 'count' },
    ],
  }),
  chartPanel({
    id: 'sales-revenue',
    page,
    title: 'Revenue over time',
    query: 'sales_revenue_over_time',
    draw: (rows, params, frame) =>
      timeSeriesChart(rows, {
        y: 'revenue',
        yLabel: 'revenue',
        series: 'currency',
        grain: params.grain,
        frame,
      }),
  }),
  chartPanel({
    id: 'sales-units',
    page,
    title: 'Units sold over time',
    query: 'sales_units_over_time',
    draw: (rows, params, frame) =>
      columnChart(rows, { y: 'units', yLabel: 'units', grain: params.grain, frame }),
  }),
  chartPanel({
    id: 'sales-top-designs',
    page,
    title: 'Top designs by units sold',
    query: 'sales_top_designs',
    draw: (rows, _params, frame) => barChart(rows, { x: 'units', xLabel: 'units', y: 'design', frame }),
  }),
  chartPanel({
    id: 'sales-by-location',
    page,
    title: 'Revenue by city and country of delivery',
    query: 'sales_by_location',
    draw: amountBars('revenue', 'label', 'currency'),
  }),
  chartPanel({
    id: 'sales-by-staff',
    page,
    title: 'Revenue by staff member',
    query: 'sales_by_staff',
    draw: amountBars('revenue', 'label', 'currency'),
  }),
  chartPanel({
    id: 'sales-by-department',
    page,
    title: 'Revenue by department',
    query: 'sales_by_department',
    draw: amountBars('revenue', 'label', 'currency'),
  }),
  chartPanel({
    id: 'sales-by-counterparty',
    page,
    title: 'Revenue by counterparty',
    query: 'sales_by_counterparty',
    draw: amountBars('revenue', 'label', 'currency'),
  }),
];

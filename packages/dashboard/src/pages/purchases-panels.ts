import { columnChart, timeSeriesChart } from '../charts/charts';
import { PageName } from '../types';
import type { Panel } from './panel';
import { amountBars, chartPanel, numbersPanel } from './query-panels';

const page = PageName.purchases;

/** The purchases page: volume and value over time, by counterparty and by staff. */
export const purchasesPanels: readonly Panel[] = [
  numbersPanel({
    id: 'purchases-totals',
    page,
    title: 'Purchases per currency',
    query: 'purchases_totals',
    columns: [
      { key: 'currency', label: 'Currency', kind: 'text' },
      { key: 'value', label: 'Value', kind: 'money' },
      { key: 'quantity', label: 'Quantity', kind: 'count' },
      { key: 'orders', label: 'Orders', kind: 'count' },
    ],
  }),
  chartPanel({
    id: 'purchases-value',
    page,
    title: 'Purchase value over time',
    query: 'purchases_over_time',
    draw: (rows, params, frame) =>
      timeSeriesChart(rows, { y: 'value', yLabel: 'value', series: 'currency', grain: params.grain, frame }),
  }),
  chartPanel({
    id: 'purchases-volume',
    page,
    title: 'Purchase volume over time',
    query: 'purchases_volume_over_time',
    draw: (rows, params, frame) =>
      columnChart(rows, { y: 'quantity', yLabel: 'quantity', grain: params.grain, frame }),
  }),
  chartPanel({
    id: 'purchases-by-counterparty',
    page,
    title: 'Purchase value by counterparty',
    query: 'purchases_by_counterparty',
    draw: amountBars('value', 'label', 'currency'),
  }),
  chartPanel({
    id: 'purchases-by-staff',
    page,
    title: 'Purchase value by staff member',
    query: 'purchases_by_staff',
    draw: amountBars('value', 'label', 'currency'),
  }),
];

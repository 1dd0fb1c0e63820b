import { timeSeriesChart } from '../charts/charts';
import { paidPalette } from '../charts/palette';
import { PageName } from '../types';
import type { Panel } from './panel';
import { amountBars, chartPanel, currencyFacet, numbersPanel } from './query-panels';

const page = PageName.payments;

/** The payments page: paid and unpaid by type, over time, and by counterparty. */
export const paymentsPanels: readonly Panel[] = [
  numbersPanel({
    id: 'payments-totals',
    page,
    title: 'Paid and unpaid per currency',
    query: 'payments_totals',
    columns: [
      { key: 'currency', label: 'Currency', kind: 'text' },
      { key: 'status', label: 'Status', kind: 'text' },
      { key: 'amount', label: 'Amount', kind: 'money' },
      { key: 'payments', label: 'Payments', kind: 'count' },
    ],
  }),
  chartPanel({
    id: 'payments-by-type',
    page,
    title: 'Paid and unpaid by payment type',
    query: 'payments_by_type',
    colours: paidPalette,
    draw: amountBars('amount', 'payment_type', 'status'),
  }),
  chartPanel({
    id: 'payments-over-time',
    page,
    title: 'Payments over time, paid and unpaid',
    query: 'payments_over_time',
    colours: paidPalette,
    draw: (rows, params, frame) =>
      timeSeriesChart(rows, {
        y: 'amount',
        yLabel: 'amount',
        series: 'status',
        facet: currencyFacet(params),
        grain: params.grain,
        frame,
      }),
  }),
  chartPanel({
    id: 'payments-by-counterparty',
    page,
    title: 'Payments by counterparty, paid and unpaid',
    query: 'payments_by_counterparty',
    colours: paidPalette,
    draw: amountBars('amount', 'counterparty', 'status'),
  }),
];

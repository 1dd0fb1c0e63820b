import type { StarSql } from '../sql/star';
import { starQuery } from './definition';
import { currencyOf, periodOf, staffLabelOf, topPerCurrency } from './fragments';

const fact = 'fact_purchase_order';

/** What purchases add up: value (quantity times price, within one currency), quantity, orders. */
const measures = (s: StarSql) => ({
  value: `sum(${s.col('item_quantity')} * ${s.col('item_unit_price')})`,
  quantity: `sum(${s.col('item_quantity')})`,
  orders: 'count(*)',
});
const value = (s: StarSql) => `${s.total('value')} AS value`;
const quantity = (s: StarSql) => `${s.total('quantity')}::bigint AS quantity`;
const orders = (s: StarSql) => `${s.total('orders')}::integer AS orders`;

/** Value, quantity and orders per currency. */
export const purchasesTotals = starQuery(
  'purchases_totals',
  'Value, quantity and orders per currency',
  fact,
  (s) => {
    s.aggregate({ by: ['currency_id'], measures: measures(s) });
    return `SELECT ${currencyOf(s)} AS currency, ${value(s)}, ${quantity(s)}, ${orders(s)}
FROM ${s.from()}
GROUP BY 1
ORDER BY 1`;
  },
);

/** Value per period, one series per currency, with the volume bought. */
export const purchasesOverTime = starQuery(
  'purchases_over_time',
  'Purchase value over time, per currency',
  fact,
  (s) => {
    s.aggregate({ by: ['currency_id'], also: { period: periodOf(s) }, measures: measures(s) });
    return `SELECT ${s.group('period')} AS period, ${currencyOf(s)} AS currency, ${value(s)}, ${quantity(s)}
FROM ${s.from()}
GROUP BY 1, 2
ORDER BY 1, 2`;
  },
);

/** Volume per period: quantities count together across currencies. */
export const purchasesVolumeOverTime = starQuery(
  'purchases_volume_over_time',
  'Purchase volume over time',
  fact,
  (s) => {
    s.aggregate({ by: [], also: { period: periodOf(s) }, measures: measures(s) });
    return `SELECT ${s.group('period')} AS period, ${quantity(s)}
FROM ${s.from()}
GROUP BY 1
ORDER BY 1`;
  },
);

/** Value by supplier. */
export const purchasesByCounterparty = starQuery(
  'purchases_by_counterparty',
  'Purchase value by counterparty',
  fact,
  (s) => {
    s.aggregate({ by: ['counterparty_id', 'currency_id'], measures: measures(s) });
    return topPerCurrency(s, {
      label: s.dim('counterparty_id', 'counterparty_legal_name'),
      totals: [value(s), quantity(s)],
      rankBy: s.total('value'),
    });
  },
);

/** Value by the staff member who bought. */
export const purchasesByStaff = starQuery(
  'purchases_by_staff',
  'Purchase value by staff member',
  fact,
  (s) => {
    s.aggregate({ by: ['staff_id', 'currency_id'], measures: measures(s) });
    return topPerCurrency(s, {
      label: staffLabelOf(s, 'staff_id'),
      extra: { department: s.dim('staff_id', 'department_name') },
      totals: [value(s), quantity(s)],
      rankBy: s.total('value'),
    });
  },
);

/** Every purchases query, in the order the page shows them. */
export const purchasesQueries = [
  purchasesTotals,
  purchasesOverTime,
  purchasesVolumeOverTime,
  purchasesByCounterparty,
  purchasesByStaff,
];

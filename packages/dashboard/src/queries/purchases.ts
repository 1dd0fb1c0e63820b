import type { StarSql } from '../sql/star';
import { starQuery } from './definition';
import { currencyOf, filtersOf, periodOf, staffNameOf, topPerCurrency } from './fragments';

const fact = 'fact_purchase_order';

/** What was spent: quantity times the unit price, summed only within one currency. */
const value = (s: StarSql) => `sum(${s.col('item_quantity')} * ${s.col('item_unit_price')})`;
const quantity = (s: StarSql) => `sum(${s.col('item_quantity')})::integer`;

/** Value, quantity and orders per currency. */
export const purchasesTotals = starQuery(
  'purchases_totals',
  'Value, quantity and orders per currency',
  fact,
  (s) => `SELECT ${currencyOf(s)} AS currency, ${value(s)} AS value, ${quantity(s)} AS quantity,
  count(*)::integer AS orders
FROM ${s.from()}
WHERE ${filtersOf(s)}
GROUP BY 1
ORDER BY 1`,
);

/** Value per period, one series per currency, with the volume bought. */
export const purchasesOverTime = starQuery(
  'purchases_over_time',
  'Purchase value over time, per currency',
  fact,
  (s) => `SELECT ${periodOf(s)} AS period, ${currencyOf(s)} AS currency, ${value(s)} AS value,
  ${quantity(s)} AS quantity
FROM ${s.from()}
WHERE ${filtersOf(s)}
GROUP BY 1, 2
ORDER BY 1, 2`,
);

/** Volume per period: quantities count together across currencies. */
export const purchasesVolumeOverTime = starQuery(
  'purchases_volume_over_time',
  'Purchase volume over time',
  fact,
  (s) => `SELECT ${periodOf(s)} AS period, ${quantity(s)} AS quantity
FROM ${s.from()}
WHERE ${filtersOf(s)}
GROUP BY 1
ORDER BY 1`,
);

/** Value by supplier. */
export const purchasesByCounterparty = starQuery(
  'purchases_by_counterparty',
  'Purchase value by counterparty',
  fact,
  (s) =>
    topPerCurrency(s, {
      label: s.dim('counterparty_id', 'counterparty_legal_name'),
      measures: [`${value(s)} AS value`, `${quantity(s)} AS quantity`],
      rankBy: value(s),
    }),
);

/** Value by the staff member who bought. */
export const purchasesByStaff = starQuery('purchases_by_staff', 'Purchase value by staff member', fact, (s) =>
  topPerCurrency(s, {
    label: `${staffNameOf(s, 'staff_id')} || ' (' || ${s.dim('staff_id', 'department_name')} || ')'`,
    extra: { department: s.dim('staff_id', 'department_name') },
    measures: [`${value(s)} AS value`, `${quantity(s)} AS quantity`],
    rankBy: value(s),
  }),
);

/** Every purchases query, in the order the page shows them. */
export const purchasesQueries = [
  purchasesTotals,
  purchasesOverTime,
  purchasesVolumeOverTime,
  purchasesByCounterparty,
  purchasesByStaff,
];

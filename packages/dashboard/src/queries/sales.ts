import type { StarSql } from '../sql/star';
import { starQuery } from './definition';
import { currencyOf, filtersOf, periodOf, staffNameOf, topPerCurrency } from './fragments';

const fact = 'fact_sales_order';

/** Revenue is units sold times the unit price, summed only within one currency. */
const revenue = (s: StarSql) => `sum(${s.col('units_sold')} * ${s.col('unit_price')})`;

/** Revenue, units and orders per currency. */
export const salesTotals = starQuery(
  'sales_totals',
  'Revenue, units and orders per currency',
  fact,
  (s) => `SELECT ${currencyOf(s)} AS currency, ${revenue(s)} AS revenue,
  sum(${s.col('units_sold')})::integer AS units, count(*)::integer AS orders
FROM ${s.from()}
WHERE ${filtersOf(s)}
GROUP BY 1
ORDER BY 1`,
);

/** Revenue per period, one series per currency. */
export const salesRevenueOverTime = starQuery(
  'sales_revenue_over_time',
  'Revenue over time, per currency',
  fact,
  (s) => `SELECT ${periodOf(s)} AS period, ${currencyOf(s)} AS currency, ${revenue(s)} AS revenue
FROM ${s.from()}
WHERE ${filtersOf(s)}
GROUP BY 1, 2
ORDER BY 1, 2`,
);

/** Units per period: units are not money, so every currency's orders count together. */
export const salesUnitsOverTime = starQuery(
  'sales_units_over_time',
  'Units sold over time',
  fact,
  (s) => `SELECT ${periodOf(s)} AS period, sum(${s.col('units_sold')})::integer AS units
FROM ${s.from()}
WHERE ${filtersOf(s)}
GROUP BY 1
ORDER BY 1`,
);

/** The designs that sold the most units. */
export const salesTopDesigns = starQuery('sales_top_designs', 'Top designs by units sold', fact, (s) => {
  const name = `${s.dim('design_id', 'design_name')} || ' #' || ${s.dim('design_id', 'design_id')}`;
  return `SELECT ${name} AS design, sum(${s.col('units_sold')})::integer AS units, count(*)::integer AS orders
FROM ${s.from()}
WHERE ${filtersOf(s)}
GROUP BY 1
ORDER BY units DESC, design
LIMIT $top::integer`;
});

/** Revenue by the city and country orders are delivered to. */
export const salesByLocation = starQuery(
  'sales_by_location',
  'Revenue by city and country of delivery',
  fact,
  (s) =>
    topPerCurrency(s, {
      label: `${s.dim('agreed_delivery_location_id', 'city')} || ', ' || ${s.dim('agreed_delivery_location_id', 'country')}`,
      measures: [`${revenue(s)} AS revenue`, `sum(${s.col('units_sold')})::integer AS units`],
      rankBy: revenue(s),
    }),
);

/** Revenue by salesperson, with their department. */
export const salesByStaff = starQuery('sales_by_staff', 'Revenue by staff member', fact, (s) =>
  topPerCurrency(s, {
    label: `${staffNameOf(s, 'sales_staff_id')} || ' (' || ${s.dim('sales_staff_id', 'department_name')} || ')'`,
    extra: { department: s.dim('sales_staff_id', 'department_name') },
    measures: [`${revenue(s)} AS revenue`, 'count(*)::integer AS orders'],
    rankBy: revenue(s),
  }),
);

/** Revenue by the salesperson's department. */
export const salesByDepartment = starQuery('sales_by_department', 'Revenue by department', fact, (s) =>
  topPerCurrency(s, {
    label: s.dim('sales_staff_id', 'department_name'),
    measures: [`${revenue(s)} AS revenue`, 'count(*)::integer AS orders'],
    rankBy: revenue(s),
  }),
);

/** Revenue by buyer. */
export const salesByCounterparty = starQuery('sales_by_counterparty', 'Revenue by counterparty', fact, (s) =>
  topPerCurrency(s, {
    label: s.dim('counterparty_id', 'counterparty_legal_name'),
    measures: [`${revenue(s)} AS revenue`, 'count(*)::integer AS orders'],
    rankBy: revenue(s),
  }),
);

/** Every sales query, in the order the page shows them. */
export const salesQueries = [
  salesTotals,
  salesRevenueOverTime,
  salesUnitsOverTime,
  salesTopDesigns,
  salesByLocation,
  salesByStaff,
  salesByDepartment,
  salesByCounterparty,
];

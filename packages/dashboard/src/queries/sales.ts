import type { StarSql } from '../sql/star';
import { starQuery } from './definition';
import { currencyOf, periodOf, staffLabelOf, topPerCurrency } from './fragments';

const fact = 'fact_sales_order';

/** The measures every sales query adds up: revenue (units times price, within one currency), units, orders. */
const measures = (s: StarSql) => ({
  revenue: `sum(${s.col('units_sold')} * ${s.col('unit_price')})`,
  units: `sum(${s.col('units_sold')})`,
  orders: 'count(*)',
});
const revenue = (s: StarSql) => `${s.total('revenue')} AS revenue`;
const units = (s: StarSql) => `${s.total('units')}::bigint AS units`;
const orders = (s: StarSql) => `${s.total('orders')}::integer AS orders`;

/** Revenue, units and orders per currency. */
export const salesTotals = starQuery('sales_totals', 'Revenue, units and orders per currency', fact, (s) => {
  s.aggregate({ by: ['currency_id'], measures: measures(s) });
  return `SELECT ${currencyOf(s)} AS currency, ${revenue(s)}, ${units(s)}, ${orders(s)}
FROM ${s.from()}
GROUP BY 1
ORDER BY 1`;
});

/** Revenue per period, one series per currency. */
export const salesRevenueOverTime = starQuery(
  'sales_revenue_over_time',
  'Revenue over time, per currency',
  fact,
  (s) => {
    s.aggregate({ by: ['currency_id'], also: { period: periodOf(s) }, measures: measures(s) });
    return `SELECT ${s.group('period')} AS period, ${currencyOf(s)} AS currency, ${revenue(s)}
FROM ${s.from()}
GROUP BY 1, 2
ORDER BY 1, 2`;
  },
);

/** Units per period: units are not money, so every currency's orders count together. */
export const salesUnitsOverTime = starQuery('sales_units_over_time', 'Units sold over time', fact, (s) => {
  s.aggregate({ by: [], also: { period: periodOf(s) }, measures: measures(s) });
  return `SELECT ${s.group('period')} AS period, ${units(s)}
FROM ${s.from()}
GROUP BY 1
ORDER BY 1`;
});

/** The designs that sold the most units. */
export const salesTopDesigns = starQuery('sales_top_designs', 'Top designs by units sold', fact, (s) => {
  s.aggregate({ by: ['design_id'], measures: measures(s) });
  const design = `${s.dim('design_id', 'design_name')} || ' #' || ${s.group('design_id')}`;
  return `SELECT ${design} AS design, ${units(s)}, ${orders(s)}
FROM ${s.from()}
GROUP BY 1
ORDER BY units DESC, design
LIMIT $top::integer`;
});

/** Revenue by the city and country orders are delivered to. */
export const salesByLocation = starQuery(
  'sales_by_location',
  'Revenue by city and country of delivery',
  fact,
  (s) => {
    s.aggregate({ by: ['agreed_delivery_location_id', 'currency_id'], measures: measures(s) });
    const place = (column: string) => s.dim('agreed_delivery_location_id', column);
    return topPerCurrency(s, {
      label: `${place('city')} || ', ' || ${place('country')}`,
      totals: [revenue(s), units(s)],
      rankBy: s.total('revenue'),
    });
  },
);

/** Revenue by salesperson, with their department. */
export const salesByStaff = starQuery('sales_by_staff', 'Revenue by staff member', fact, (s) => {
  s.aggregate({ by: ['sales_staff_id', 'currency_id'], measures: measures(s) });
  return topPerCurrency(s, {
    label: staffLabelOf(s, 'sales_staff_id'),
    extra: { department: s.dim('sales_staff_id', 'department_name') },
    totals: [revenue(s), orders(s)],
    rankBy: s.total('revenue'),
  });
});

/** Revenue by the salesperson's department. */
export const salesByDepartment = starQuery('sales_by_department', 'Revenue by department', fact, (s) => {
  s.aggregate({ by: ['sales_staff_id', 'currency_id'], measures: measures(s) });
  return topPerCurrency(s, {
    label: s.dim('sales_staff_id', 'department_name'),
    totals: [revenue(s), orders(s)],
    rankBy: s.total('revenue'),
  });
});

/** Revenue by buyer. */
export const salesByCounterparty = starQuery(
  'sales_by_counterparty',
  'Revenue by counterparty',
  fact,
  (s) => {
    s.aggregate({ by: ['counterparty_id', 'currency_id'], measures: measures(s) });
    return topPerCurrency(s, {
      label: s.dim('counterparty_id', 'counterparty_legal_name'),
      totals: [revenue(s), orders(s)],
      rankBy: s.total('revenue'),
    });
  },
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

import type { StarSql } from '../sql/star';
import { starQuery } from './definition';
import { currencyOf, filtersOf, periodOf } from './fragments';

const fact = 'fact_payment';

const amount = (s: StarSql) => `sum(${s.col('payment_amount')})`;
const status = (s: StarSql) => `CASE WHEN ${s.col('paid')} THEN 'paid' ELSE 'unpaid' END`;

/** Paid and unpaid amounts per currency. */
export const paymentsTotals = starQuery(
  'payments_totals',
  'Paid and unpaid per currency',
  fact,
  (s) => `SELECT ${currencyOf(s)} AS currency, ${status(s)} AS status, ${amount(s)} AS amount,
  count(*)::integer AS payments
FROM ${s.from()}
WHERE ${filtersOf(s)}
GROUP BY 1, 2
ORDER BY 1, 2`,
);

/** Paid and unpaid amounts by payment type, per currency. */
export const paymentsByType = starQuery(
  'payments_by_type',
  'Paid and unpaid by payment type',
  fact,
  (s) => `SELECT ${s.dim('payment_type_id', 'payment_type_name')} AS payment_type, ${status(s)} AS status,
  ${currencyOf(s)} AS currency, ${amount(s)} AS amount, count(*)::integer AS payments
FROM ${s.from()}
WHERE ${filtersOf(s)}
GROUP BY 1, 2, 3
ORDER BY 3, 1, 2`,
);

/** Paid and unpaid amounts per period, per currency. */
export const paymentsOverTime = starQuery(
  'payments_over_time',
  'Payments over time, paid and unpaid, per currency',
  fact,
  (s) => `SELECT ${periodOf(s)} AS period, ${currencyOf(s)} AS currency, ${status(s)} AS status,
  ${amount(s)} AS amount
FROM ${s.from()}
WHERE ${filtersOf(s)}
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`,
);

/** The counterparties with the largest amounts in each currency, paid and unpaid. */
export const paymentsByCounterparty = starQuery(
  'payments_by_counterparty',
  'Payments by counterparty, paid and unpaid',
  fact,
  (s) => {
    const counterparty = s.dim('counterparty_id', 'counterparty_legal_name');
    const grouped = `SELECT ${counterparty} AS counterparty, ${currencyOf(s)} AS currency, ${status(s)} AS status,
    ${amount(s)} AS amount
  FROM ${s.from()}
  WHERE ${filtersOf(s)}
  GROUP BY 1, 2, 3`;
    return `SELECT counterparty, currency, status, amount FROM (
  SELECT *, dense_rank() OVER (PARTITION BY currency ORDER BY total DESC, counterparty) AS rank
  FROM (SELECT *, sum(amount) OVER (PARTITION BY counterparty, currency) AS total FROM (${grouped}) AS grouped) AS totals
) AS ranked
WHERE rank <= $top::integer
ORDER BY currency, rank, status`;
  },
);

/** Every payments query, in the order the page shows them. */
export const paymentsQueries = [paymentsTotals, paymentsByType, paymentsOverTime, paymentsByCounterparty];

import type { StarSql } from '../sql/star';
import { starQuery } from './definition';
import { currencyOf, periodOf } from './fragments';

const fact = 'fact_payment';

const measures = (s: StarSql) => ({ amount: `sum(${s.col('payment_amount')})`, payments: 'count(*)' });
const status = (s: StarSql) => ({ status: `CASE WHEN ${s.col('paid')} THEN 'paid' ELSE 'unpaid' END` });
const amount = (s: StarSql) => `${s.total('amount')} AS amount`;
const payments = (s: StarSql) => `${s.total('payments')}::integer AS payments`;

/** Paid and unpaid amounts per currency. */
export const paymentsTotals = starQuery('payments_totals', 'Paid and unpaid per currency', fact, (s) => {
  s.aggregate({ by: ['currency_id'], also: status(s), measures: measures(s) });
  return `SELECT ${currencyOf(s)} AS currency, ${s.group('status')} AS status, ${amount(s)}, ${payments(s)}
FROM ${s.from()}
GROUP BY 1, 2
ORDER BY 1, 2`;
});

/** Paid and unpaid amounts by payment type, per currency. */
export const paymentsByType = starQuery('payments_by_type', 'Paid and unpaid by payment type', fact, (s) => {
  s.aggregate({ by: ['payment_type_id', 'currency_id'], also: status(s), measures: measures(s) });
  return `SELECT ${s.dim('payment_type_id', 'payment_type_name')} AS payment_type, ${s.group('status')} AS status,
  ${currencyOf(s)} AS currency, ${amount(s)}, ${payments(s)}
FROM ${s.from()}
GROUP BY 1, 2, 3
ORDER BY 3, 1, 2`;
});

/** Paid and unpaid amounts per period, per currency. */
export const paymentsOverTime = starQuery(
  'payments_over_time',
  'Payments over time, paid and unpaid, per currency',
  fact,
  (s) => {
    s.aggregate({ by: ['currency_id'], also: { period: periodOf(s), ...status(s) }, measures: measures(s) });
    return `SELECT ${s.group('period')} AS period, ${currencyOf(s)} AS currency, ${s.group('status')} AS status,
  ${amount(s)}
FROM ${s.from()}
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`;
  },
);

/** The counterparties with the largest amounts in each currency, paid and unpaid. */
export const paymentsByCounterparty = starQuery(
  'payments_by_counterparty',
  'Payments by counterparty, paid and unpaid',
  fact,
  (s) => {
    s.aggregate({ by: ['counterparty_id', 'currency_id'], also: status(s), measures: measures(s) });
    const grouped = `SELECT ${s.dim('counterparty_id', 'counterparty_legal_name')} AS counterparty,
    ${currencyOf(s)} AS currency, ${s.group('status')} AS status, ${amount(s)}
  FROM ${s.from()}
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

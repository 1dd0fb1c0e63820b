import type { StarSql } from '../sql/star';

/** The day column every star page filters and groups by: when the order or payment was created. */
export const dateColumn = 'created_date';

/** The fact's currency code, joined through `dim_currency`. */
export function currencyOf(s: StarSql): string {
  return s.dim('currency_id', 'currency_code');
}

/** The first day of the `$grain` period (day, week from Monday, month) that the fact's day falls in. */
export function periodOf(s: StarSql): string {
  return `to_char(date_trunc($grain::text, ${s.col(dateColumn)}::timestamp), 'YYYY-MM-DD')`;
}

/** The shared controls: the date range (each end optional) and the currency (none: every currency). */
export function filtersOf(s: StarSql): string {
  const day = s.col(dateColumn);
  return [
    `($from::date IS NULL OR ${day} >= $from::date)`,
    `($to::date IS NULL OR ${day} <= $to::date)`,
    `($currency::text IS NULL OR ${currencyOf(s)} = $currency::text)`,
  ].join('\n  AND ');
}

/** A staff member's name: first and last. */
export function staffNameOf(s: StarSql, factColumn: string): string {
  return `${s.dim(factColumn, 'first_name')} || ' ' || ${s.dim(factColumn, 'last_name')}`;
}

/**
 * The `$top` labels of each currency by `rankBy`, each with its measures: an amount is ranked and shown within its
 * own currency, never beside another's sum.
 */
export function topPerCurrency(
  s: StarSql,
  options: {
    label: string;
    measures: readonly string[];
    rankBy: string;
    /** Columns shown beside the label (a staff member's department), named. */
    extra?: Readonly<Record<string, string>>;
  },
): string {
  const extra = Object.entries(options.extra ?? {});
  const groups = ['label', ...extra.map(([name]) => name), 'currency'];
  const inner = `SELECT ${options.label} AS label, ${extra.map(([name, sql]) => `${sql} AS ${name}, `).join('')}${currencyOf(s)} AS currency,
    ${options.measures.join(',\n    ')},
    (row_number() OVER (PARTITION BY ${currencyOf(s)} ORDER BY ${options.rankBy} DESC, ${options.label}))::integer AS rank
  FROM ${s.from()}
  WHERE ${filtersOf(s)}
  GROUP BY ${groups.map((_, index) => index + 1).join(', ')}`;
  return `SELECT * FROM (\n  ${inner}\n) AS ranked\nWHERE rank <= $top::integer\nORDER BY currency, rank`;
}

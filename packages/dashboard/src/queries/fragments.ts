import { type StarSql, starDateColumn } from '../sql/star';

/** The currency code of a group of the aggregate (grouped `by` currency_id), joined through `dim_currency`. */
export function currencyOf(s: StarSql): string {
  return s.dim('currency_id', 'currency_code');
}

/** The first day of the `$grain` period (day, week from Monday, month) that the fact's day falls in. */
export function periodOf(s: StarSql): string {
  return `to_char(date_trunc($grain::text, ${s.col(starDateColumn)}::timestamp), 'YYYY-MM-DD')`;
}

/** A staff member, as a chart labels them: first and last name, and department. */
export function staffLabelOf(s: StarSql, factColumn: string): string {
  const name = `${s.dim(factColumn, 'first_name')} || ' ' || ${s.dim(factColumn, 'last_name')}`;
  return `${name} || ' (' || ${s.dim(factColumn, 'department_name')} || ')'`;
}

/**
 * The `$top` labels of each currency by `rankBy`, each with its totals: an amount is ranked and shown within its
 * own currency, never beside another's sum. Labels that name the same thing twice (two addresses in one city) add up.
 */
export function topPerCurrency(
  s: StarSql,
  options: {
    /** The label, over {@link StarSql.dim}. */
    label: string;
    /** Columns shown beside the label (a staff member's department), named. */
    extra?: Readonly<Record<string, string>>;
    /** The totals, each `<sql> AS <name>`, over {@link StarSql.total}. */
    totals: readonly string[];
    rankBy: string;
  },
): string {
  const extra = Object.entries(options.extra ?? {});
  const currency = currencyOf(s);
  const groups = 2 + extra.length;
  return `SELECT * FROM (
  SELECT ${options.label} AS label, ${extra.map(([name, sql]) => `${sql} AS ${name}, `).join('')}${currency} AS currency,
    ${options.totals.join(',\n    ')},
    (row_number() OVER (PARTITION BY ${currency} ORDER BY ${options.rankBy} DESC, ${options.label}))::integer AS rank
  FROM ${s.from()}
  GROUP BY ${Array.from({ length: groups }, (_, index) => index + 1).join(', ')}
) AS ranked
WHERE rank <= $top::integer
ORDER BY currency, rank`;
}

import { z } from 'zod';
import { BadParameterError } from './errors';

/** How over-time charts group days. */
export const Grain = { day: 'day', week: 'week', month: 'month' } as const;
export type Grain = (typeof Grain)[keyof typeof Grain];

/** The one value of `currency` that shows every currency side by side, never summed. */
export const allCurrencies = 'all';

/** The most rows a top-N chart may ask for. */
export const maxTop = 50;

/** A real calendar day as `YYYY-MM-DD`: `2024-02-30` is refused, not rolled over into March. */
const day = z.string().refine(isCalendarDay, { message: 'must be a day as YYYY-MM-DD' });

const ParamsSchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
    currency: z
      .string()
      .regex(/^([A-Z]{3}|all)$/, { message: `must be a three-letter ISO 4217 code or "${allCurrencies}"` })
      .default(allCurrencies),
    grain: z.enum([Grain.day, Grain.week, Grain.month]).default(Grain.month),
    top: z.coerce.number().int().min(1).max(maxTop).default(10),
  })
  .strict()
  .refine((params) => !params.from || !params.to || params.from <= params.to, {
    message: 'must be on or before to',
    path: ['from'],
  });

/** The controls every page shares, checked: a date range, a currency (or all), a grain and a top N. */
export type DashboardParams = z.infer<typeof ParamsSchema>;

/** The parameters when the browser gives none: all time, every currency, by month, the top 10. */
export const defaultParams: DashboardParams = ParamsSchema.parse({});

/**
 * Checks the query string of a request against the shared controls. An unknown, repeated or malformed parameter
 * is refused with a {@link BadParameterError} that names each one and why.
 */
export function parseParams(query: URLSearchParams): DashboardParams {
  const record: Record<string, string> = {};
  const repeated: string[] = [];
  for (const [name, value] of query) {
    if (name in record) repeated.push(`${name}: given more than once`);
    // An empty field of the form means "not set", as a browser submits it.
    if (value !== '') record[name] = value;
  }
  const result = ParamsSchema.safeParse(record);
  const reasons = [
    ...repeated,
    ...(result.success ? [] : result.error.issues.map((issue) => describeIssue(issue, record))),
  ];
  if (reasons.length > 0 || !result.success) throw new BadParameterError(reasons);
  return result.data;
}

/** The query string that gives these parameters back, defaults left out, in a fixed order. */
export function paramsQuery(params: DashboardParams): string {
  const query = new URLSearchParams();
  if (params.from) query.set('from', params.from);
  if (params.to) query.set('to', params.to);
  if (params.currency !== defaultParams.currency) query.set('currency', params.currency);
  if (params.grain !== defaultParams.grain) query.set('grain', params.grain);
  if (params.top !== defaultParams.top) query.set('top', String(params.top));
  return query.toString();
}

function describeIssue(issue: z.core.$ZodIssue, given: Record<string, string>): string {
  if (issue.code === 'unrecognized_keys') return `unknown parameter(s): ${issue.keys.join(', ')}`;
  const name = String(issue.path[0] ?? 'parameters');
  const value = given[name];
  const shown = value === undefined ? '' : ` (got ${JSON.stringify(value.slice(0, 40))})`;
  if (name === 'top' && issue.code !== 'custom')
    return `top: must be a whole number from 1 to ${maxTop}${shown}`;
  if (name === 'grain') return `grain: must be one of day, week, month${shown}`;
  return `${name}: ${issue.message}${shown}`;
}

function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

import { allCurrencies, type DashboardParams } from '../params';

/** The parameters a named query may use, written `$from`, `$to`, `$currency`, `$grain`, `$top` in its text. */
export const ParamName = {
  from: 'from',
  to: 'to',
  currency: 'currency',
  grain: 'grain',
  top: 'top',
} as const;
export type ParamName = (typeof ParamName)[keyof typeof ParamName];

/** A query's text with positional placeholders, and which parameter each position takes. */
export interface CompiledSql {
  readonly text: string;
  readonly params: readonly ParamName[];
}

const placeholder = /\$(from|to|currency|grain|top)\b/g;

/**
 * Turns `$name` placeholders into `$1`, `$2`, … in order of first use; a name used twice takes one position. Only
 * the five names of {@link ParamName} exist, so a query can never take a value from anywhere else.
 */
export function compileSql(text: string): CompiledSql {
  const params: ParamName[] = [];
  const compiled = text.replace(placeholder, (_whole, name: ParamName) => {
    const index = params.indexOf(name);
    if (index >= 0) return `$${index + 1}`;
    params.push(name);
    return `$${params.length}`;
  });
  return { text: compiled, params };
}

/** The values of a compiled query's positions: null for "not set" (no date bound, every currency). */
export function valuesOf(compiled: CompiledSql, params: DashboardParams): (string | number | null)[] {
  return compiled.params.map((name) => {
    if (name === ParamName.currency) return params.currency === allCurrencies ? null : params.currency;
    if (name === ParamName.from) return params.from ?? null;
    if (name === ParamName.to) return params.to ?? null;
    return params[name];
  });
}

import { UnknownQueryError } from '../errors';
import type { NamedQuery } from '../types';
import type { QueryDefinition, Schemas } from './definition';
import { paymentsQueries } from './payments';
import { currencies, recentRuns } from './platform';
import { purchasesQueries } from './purchases';
import { salesQueries } from './sales';

/** Every query the dashboard may run, and nothing else. */
export const queryDefinitions: readonly QueryDefinition[] = [
  ...salesQueries,
  ...purchasesQueries,
  ...paymentsQueries,
  currencies,
  recentRuns,
];

/** The named queries, built for the schemas: the only SQL the dashboard can send. */
export interface QueryCatalog {
  readonly all: readonly NamedQuery[];
  /** @throws {@link UnknownQueryError} for a name that is not in the catalog. */
  get(name: string): NamedQuery;
}

/** Builds every named query for these schemas, once. */
export function createQueryCatalog(schemas: Schemas): QueryCatalog {
  const all = queryDefinitions.map((definition) => definition.build(schemas));
  const byName = new Map(all.map((query) => [query.name, query]));
  return {
    all,
    get: (name) => {
      const query = byName.get(name);
      if (!query) throw new UnknownQueryError(name);
      return query;
    },
  };
}

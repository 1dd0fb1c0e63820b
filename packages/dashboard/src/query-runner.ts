import type pg from 'pg';
import type { DashboardParams } from './params';
import { valuesOf } from './sql/placeholders';
import type { NamedQuery, QueryResult, QueryRow } from './types';

/** Runs named queries and caches their rows until a load of a model they read. */
export interface QueryRunner {
  run(query: NamedQuery, params: DashboardParams): Promise<QueryResult>;
  /** Forgets every cached result that depends on one of these models (or the health key). */
  invalidate(keys: Iterable<string>): void;
  /** A stamp of these keys' generations: it changes whenever one of them is invalidated. */
  stamp(keys: readonly string[]): string;
  /** Cache hits and misses so far, and the results held. */
  stats(): { hits: number; misses: number; entries: number };
}

interface Entry {
  readonly rows: readonly QueryRow[];
  /** The generation of each dependency when the rows were read. */
  readonly generations: readonly number[];
}

/**
 * The aggregate cache: a result is kept until a `model.loaded` of a model it reads bumps that model's generation.
 * A query that was running when the generation moved returns its rows but does not keep them, so a result read
 * before a load is never served after it. The oldest results go first past `maxEntries`.
 */
export function createQueryRunner(pool: pg.Pool, options: { maxEntries?: number } = {}): QueryRunner {
  const maxEntries = options.maxEntries ?? 500;
  const generations = new Map<string, number>();
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<readonly QueryRow[]>>();
  let hits = 0;
  let misses = 0;
  const generationsOf = (query: NamedQuery) => query.dependsOn.map((key) => generations.get(key) ?? 0);
  const current = (query: NamedQuery, entry: Entry) =>
    generationsOf(query).every((generation, index) => generation === entry.generations[index]);

  const read = async (query: NamedQuery, values: readonly (string | number | null)[], key: string) => {
    const before = generationsOf(query);
    const result = await pool.query<QueryRow>({ text: query.sql.text, values: [...values] });
    const entry = { rows: result.rows, generations: before };
    if (current(query, entry)) {
      entries.delete(key);
      entries.set(key, entry);
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
    }
    return result.rows;
  };

  return {
    async run(query, params) {
      const values = valuesOf(query.sql, params);
      const key = `${query.name}\0${JSON.stringify(values)}`;
      const cached = entries.get(key);
      if (cached && current(query, cached)) {
        hits++;
        return { query, values, rows: cached.rows };
      }
      misses++;
      // Panels of several open pages asking at once after a load share one read, begun after that load.
      const flight = `${key}\0${generationsOf(query).join(',')}`;
      const pending = inFlight.get(flight) ?? read(query, values, key).finally(() => inFlight.delete(flight));
      inFlight.set(flight, pending);
      return { query, values, rows: await pending };
    },
    invalidate(keys) {
      for (const key of keys) generations.set(key, (generations.get(key) ?? 0) + 1);
    },
    stamp: (keys) => keys.map((key) => generations.get(key) ?? 0).join(','),
    stats: () => ({ hits, misses, entries: entries.size }),
  };
}

import { deletedAtColumn, findModel } from '@totes/model';
import pg from 'pg';
import { compileSql } from '../sql/placeholders';
import { healthKey } from '../types';
import type { QueryDefinition } from './definition';

const q = pg.escapeIdentifier;

/** The currencies the warehouse holds, for the currency selector. */
export const currencies: QueryDefinition = {
  name: 'currencies',
  title: 'Currencies',
  build: (schemas) => {
    const model = findModel('dim_currency');
    if (!model) throw new Error('the model has no dim_currency');
    const text = `SELECT ${q('currency_code')} AS code, ${q('currency_name')} AS name
FROM ${q(schemas.warehouse)}.${q(model.name)}
WHERE ${q(deletedAtColumn)} IS NULL
ORDER BY 1`;
    return { name: 'currencies', title: 'Currencies', sql: compileSql(text), dependsOn: [model.name] };
  },
};

/** The last detection cycles that found changes: when each started, how long it took to load, what it read. */
export const recentRuns: QueryDefinition = {
  name: 'recent_runs',
  title: 'Recent runs',
  build: (schemas) => {
    const s = q(schemas.state);
    const utc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')`;
    const text = `SELECT r.run_id::text AS run_id, ${utc('r.started_at')} AS started_at,
  CASE WHEN r.completed_at IS NOT NULL THEN 'completed'
       WHEN r.abandoned_at IS NOT NULL THEN 'abandoned' ELSE 'loading' END AS state,
  round(extract(epoch FROM coalesce(r.completed_at, r.abandoned_at) - r.started_at) * 1000)::integer AS duration_ms,
  array_to_string(r.tables, ', ') AS tables,
  coalesce(sum(e.rows), 0)::integer AS rows
FROM ${s}.run AS r
LEFT JOIN ${s}.extraction AS e ON e.run_id = r.run_id
GROUP BY r.run_id
ORDER BY r.started_at DESC
LIMIT 20`;
    return { name: 'recent_runs', title: 'Recent runs', sql: compileSql(text), dependsOn: [healthKey] };
  },
};

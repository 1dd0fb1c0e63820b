import { currentRowsTableOf, deletedAtColumn, type FactModel, type LakeValue } from '@totes/model';
import { lakeTypes } from '@totes/runtime';
import pg from 'pg';
import { checkResult, createDifferenceLog } from './differences';
import { warehouseTable } from './queries';
import { CheckName, type CheckResult, DifferenceKind } from './types';

const q = pg.escapeIdentifier;

/**
 * The source keys whose row in the fact's current-rows table is not the fact's latest version of that key, column
 * for column (or is missing, or has no fact row at all), first keys first, and how many there are in all. Each side
 * is read whole, in one snapshot: the latest versions by `DISTINCT ON` the version key, as the dashboard once did.
 */
export function currentRowsDifferencesSql(schema: string, fact: FactModel): string {
  const current = currentRowsTableOf(fact);
  const columns = [...fact.columns.map((column) => q(column.name)), q(deletedAtColumn)].join(', ');
  const key = q(current.key);
  const newestFirst = [key, ...current.version.map((column) => `${q(column)} DESC`)].join(', ');
  const version = (alias: string) =>
    `CASE WHEN ${alias}.${key} IS NOT NULL THEN ${current.version.map((column) => `${alias}.${q(column)}::text`).join(` || ' ' || `)} END`;
  return `WITH latest AS (
      SELECT DISTINCT ON (${key}) ${columns} FROM ${warehouseTable(schema, fact)} ORDER BY ${newestFirst}
    ), kept AS (SELECT ${columns} FROM ${q(schema)}.${q(current.name)})
    SELECT coalesce(l.${key}, k.${key}) AS key, ${version('l')} AS latest, ${version('k')} AS kept,
      count(*) OVER ()::int AS keys
    FROM latest l FULL JOIN kept k ON k.${key} = l.${key}
    WHERE ROW(l.*) IS DISTINCT FROM ROW(k.*)
    ORDER BY 1 LIMIT $1`;
}

/**
 * Checks that a fact's current-rows table, which the loader keeps and the dashboard reads, holds exactly the fact's
 * latest version of every source key, deletions included (as tombstones), and nothing else.
 */
export async function verifyCurrentRows(
  client: pg.ClientBase,
  schema: string,
  fact: FactModel,
  sampleLimit: number,
): Promise<CheckResult> {
  const log = createDifferenceLog(sampleLimit);
  const { rows } = await client.query<{
    key: LakeValue;
    latest: string | null;
    kept: string | null;
    keys: number;
  }>({
    text: currentRowsDifferencesSql(schema, fact),
    values: [Math.max(sampleLimit, 1)],
    types: lakeTypes,
  });
  const { key, name } = currentRowsTableOf(fact);
  const all = rows[0]?.keys ?? 0;
  for (let index = 0; index < all; index += 1) {
    const row = rows[index];
    const kind = !row?.kept
      ? DifferenceKind.missing
      : !row.latest
        ? DifferenceKind.extra
        : DifferenceKind.stale;
    log.add({
      kind,
      key: { [key]: row?.key ?? null },
      column: null,
      source: row?.latest ?? null,
      warehouse: row?.kept ?? null,
    });
  }
  return checkResult(
    CheckName.currentRows,
    fact.name,
    `${name} against the latest version of each key in ${fact.name}`,
    log,
  );
}

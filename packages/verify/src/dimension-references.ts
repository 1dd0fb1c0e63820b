import { type FactModel, type FactReference, factReferences, type LakeValue } from '@totes/model';
import { lakeTypes } from '@totes/runtime';
import pg from 'pg';
import { checkResult, counted, createDifferenceLog } from './differences';
import { warehouseTable } from './queries';
import { CheckName, type CheckResult, DifferenceKind } from './types';

const q = pg.escapeIdentifier;

/**
 * The keys one fact column holds that its dimension does not, first keys first, each with how many fact rows hold
 * it, and how many such keys there are in all: one anti-join. Only the first `limit` keys are returned.
 */
export function danglingReferencesSql(schema: string, fact: FactModel, reference: FactReference): string {
  const column = q(reference.column);
  return `SELECT f.${column} AS key, count(*)::int AS rows, count(*) OVER ()::int AS keys
    FROM ${warehouseTable(schema, fact)} f
    WHERE f.${column} IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ${warehouseTable(schema, reference.dimension)} d
                      WHERE d.${q(reference.dimension.key)} = f.${column})
    GROUP BY f.${column} ORDER BY f.${column} LIMIT $1`;
}

/**
 * Checks that every dimension key a fact holds names a dimension row. The warehouse declares its foreign keys
 * `NOT ENFORCED` (the loader checks each batch instead), so this is where a reference gone wrong would show.
 */
export async function verifyReferences(
  client: pg.ClientBase,
  schema: string,
  fact: FactModel,
  sampleLimit: number,
): Promise<CheckResult> {
  const log = createDifferenceLog(sampleLimit);
  const references = factReferences(fact);
  for (const reference of references) {
    const { rows } = await client.query<{ key: LakeValue; rows: number; keys: number }>({
      text: danglingReferencesSql(schema, fact, reference),
      values: [Math.max(sampleLimit, 1)],
      types: lakeTypes,
    });
    // Only the first keys are read; the others are counted, as every check counts what it does not keep.
    const all = rows[0]?.keys ?? 0;
    for (let index = 0; index < all; index += 1) {
      const row = rows[index];
      log.add({
        kind: DifferenceKind.danglingReference,
        key: { [reference.column]: row?.key ?? null },
        column: `${reference.dimension.name}.${reference.dimension.key}`,
        source: null,
        warehouse: row ? counted(row.rows, 'fact row') : null,
      });
    }
  }
  return checkResult(
    CheckName.dimensionReferences,
    fact.name,
    `${counted(references.length, 'dimension reference')} checked, each key against its dimension`,
    log,
  );
}

import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { factModels, factReferences } from '@totes/model';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateWarehouse } from '../src/migrate';

// The warehouse's foreign keys on the embedded PostgreSQL 18: declared, visible in the catalog, never checked per row.
const schemas = { warehouseSchema: 'warehouse', stateSchema: 'totes_state' };
const factForeignKeys = factModels.flatMap((fact) =>
  factReferences(fact).map(({ column, dimension }) => ({
    name: `${fact.name}_${column}_fkey`,
    fact: fact.name,
    dimension: dimension.name,
  })),
);

let postgres: TestPostgres;
let pool: pg.Pool;
beforeAll(async () => {
  postgres = await startTestPostgres();
  await postgres.ensureDatabase('warehouse');
  pool = new pg.Pool({ connectionString: postgres.url('warehouse') });
});
afterAll(async () => {
  await pool?.end();
  await postgres?.dispose();
});

/** Each foreign key of the warehouse schema: its name, table, referenced table and whether it is enforced. */
async function foreignKeys(): Promise<
  { name: string; fact: string; dimension: string; enforced: boolean }[]
> {
  const { rows } = await pool.query(
    `SELECT c.conname AS name, t.relname AS fact, r.relname AS dimension, c.conenforced AS enforced
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE c.contype = 'f' AND n.nspname = $1 ORDER BY c.conname`,
    [schemas.warehouseSchema],
  );
  return rows;
}

const expected = factForeignKeys
  .map((key) => ({ ...key, enforced: false }))
  .sort((a, b) => (a.name < b.name ? -1 : 1));

describe('migrateWarehouse on PostgreSQL 18', () => {
  it('declares every fact → dimension foreign key NOT ENFORCED, and a rerun changes nothing', async () => {
    await migrateWarehouse(pool, schemas);
    const first = await foreignKeys();
    await migrateWarehouse(pool, schemas);

    expect(first).toEqual(expected);
    expect(first).toHaveLength(9 + 8 + 7);
    expect(await foreignKeys()).toEqual(expected);
  });

  it('accepts a fact row whose dimension row is missing: the loader, not PostgreSQL, enforces the reference', async () => {
    await migrateWarehouse(pool, schemas);

    const inserted = await pool.query(
      `INSERT INTO warehouse.fact_payment (payment_id, created_date, created_time, last_updated_date,
         last_updated_time, transaction_id, counterparty_id, payment_amount, currency_id, payment_type_id, paid,
         payment_date)
       VALUES (1, '2024-01-01', '00:00', '2024-01-01', '00:00', 999, 999, 1, 999, 999, false, '2024-01-01')`,
    );
    await pool.query('DELETE FROM warehouse.fact_payment');

    expect(inserted.rowCount).toBe(1);
  });

  it('turns the enforced foreign keys of an older warehouse into NOT ENFORCED ones', async () => {
    await migrateWarehouse(pool, schemas);
    // As the platform declared them before PostgreSQL 18: enforced.
    for (const key of factForeignKeys.slice(0, 3)) {
      const column = key.name.slice(key.fact.length + 1, -'_fkey'.length);
      const dimensionKey = factModels.flatMap(factReferences).find((ref) => ref.column === column)
        ?.dimension.key;
      await pool.query(`ALTER TABLE warehouse.${key.fact} DROP CONSTRAINT ${key.name}`);
      await pool.query(
        `ALTER TABLE warehouse.${key.fact} ADD CONSTRAINT ${key.name}
         FOREIGN KEY (${column}) REFERENCES warehouse.${key.dimension} (${dimensionKey})`,
      );
    }
    const before = await foreignKeys();

    await migrateWarehouse(pool, schemas);

    expect(before.filter((key) => key.enforced)).toHaveLength(3);
    expect(await foreignKeys()).toEqual(expected);
  });
});

describe('migrateWarehouse on a state schema from before loads in parts', () => {
  it('adds the part ledger and keeps the rows of the message ledger', async () => {
    await migrateWarehouse(pool, schemas);
    await pool.query('DROP TABLE totes_state.load_ledger_part');
    const messageId = crypto.randomUUID();
    await pool.query(
      `INSERT INTO totes_state.load_ledger (message_id, run_id, model, source_table, rows_received, rows_written)
       VALUES ($1, $2, 'dim_design', 'design', 3, 3)`,
      [messageId, crypto.randomUUID()],
    );

    await migrateWarehouse(pool, schemas);

    const { rows: key } = await pool.query(
      `SELECT a.attname AS column FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
       WHERE i.indrelid = 'totes_state.load_ledger_part'::regclass AND i.indisprimary ORDER BY a.attnum`,
    );
    const { rows: kept } = await pool.query(
      'SELECT rows_written FROM totes_state.load_ledger WHERE message_id = $1',
      [messageId],
    );
    expect(key).toEqual([{ column: 'message_id' }, { column: 'part' }]);
    expect(kept).toEqual([{ rows_written: 3 }]);
  });
});

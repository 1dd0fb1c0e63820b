import { migrateState } from '@totes/runtime';
import type pg from 'pg';
import { warehouseDdl } from './ddl';

/**
 * Creates the warehouse's star schemas and the platform's state schema in an empty database, and brings an older
 * one up to date (enforced foreign keys become `NOT ENFORCED`; a fact's missing current-rows table is created and
 * filled from the fact, once); a no-op after. The DDL suits the server's version.
 */
export async function migrateWarehouse(
  pool: pg.Pool,
  schemas: { warehouseSchema: string; stateSchema: string },
) {
  const { rows } = await pool.query<{ server_version_num: string }>('SHOW server_version_num');
  await pool.query(warehouseDdl(schemas.warehouseSchema, Number(rows[0]?.server_version_num)));
  await migrateState(pool, schemas.stateSchema);
}

import { migrateState } from '@totes/runtime';
import type pg from 'pg';
import { warehouseDdl } from './ddl';

/** Creates the warehouse's star schemas and the platform's state schema in an empty database; a no-op after. */
export async function migrateWarehouse(
  pool: pg.Pool,
  schemas: { warehouseSchema: string; stateSchema: string },
) {
  await pool.query(warehouseDdl(schemas.warehouseSchema));
  await migrateState(pool, schemas.stateSchema);
}

import type pg from 'pg';

/**
 * Runs `work` on one client of the pool inside a read-only REPEATABLE READ transaction, so every query it makes
 * sees one snapshot of the database, and rolls back. A client that failed mid-way is discarded, not reused.
 */
export async function withSnapshot<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return await work(client);
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    if (!broken) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
    }
    client.release(broken);
  }
}

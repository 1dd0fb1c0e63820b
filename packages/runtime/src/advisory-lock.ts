import type pg from 'pg';

/**
 * Runs `task` while holding a PostgreSQL session advisory lock named `name`. Lambda containers, and local
 * service processes, start in parallel; this makes their migrations (idempotent DDL) run one after another instead of racing on the catalog. The pool
 * needs a second connection for the task, since the first one holds the lock.
 */
export async function withAdvisoryLock<T>(pool: pg.Pool, name: string, task: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      return await task();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    client.release();
  }
}

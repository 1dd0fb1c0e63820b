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

/** What {@link tryAdvisoryLock} did: ran the task under the lock, or found the lock held elsewhere. */
export type LockOutcome<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };

/**
 * Runs `task` while holding the session advisory lock `name`, or returns at once without running it when another
 * session holds the lock: for work that must never run twice at once and that the holder will do anyway (a detector
 * invocation that overran into the next one's minute). The lock is held by one pooled connection for the task's
 * life, and released with it if the connection dies.
 */
export async function tryAdvisoryLock<T>(
  pool: pg.Pool,
  name: string,
  task: () => Promise<T>,
): Promise<LockOutcome<T>> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [name],
    );
    if (!rows[0]?.locked) return { acquired: false };
    try {
      return { acquired: true, value: await task() };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    client.release();
  }
}

import pg from 'pg';

/** Where the totesys database is: a connection string (a client is opened and closed) or an open client. */
export type TotesysConnection = string | pg.ClientBase;

/** Runs `work` with a connected client, opening and closing one when given a connection string. */
export async function withClient<T>(
  connection: TotesysConnection,
  work: (client: pg.ClientBase) => Promise<T>,
): Promise<T> {
  if (typeof connection !== 'string') return work(connection);
  const client = new pg.Client({ connectionString: connection });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs `work` inside BEGIN … COMMIT, rolling back when it throws. */
export async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // The original error matters more than a failed rollback on a broken connection.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

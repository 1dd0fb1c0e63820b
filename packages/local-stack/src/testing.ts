import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalPostgres, startLocalPostgres } from './embedded-postgres';

/** A throwaway embedded Postgres in a temporary folder, for one integration test file. */
export interface TestPostgres extends LocalPostgres {
  /** Stops the server and removes its folder. */
  dispose(): Promise<void>;
}

/**
 * Starts a fresh embedded Postgres on a free port in a new temporary folder. `password` sets the superuser's, so a
 * test can look for it in what the platform writes.
 */
export async function startTestPostgres(options: { password?: string } = {}): Promise<TestPostgres> {
  const root = await mkdtemp(join(tmpdir(), 'totes-pg-'));
  const server = await startLocalPostgres({
    dataDir: join(root, 'pg'),
    fast: true,
    ...(options.password ? { password: options.password } : {}),
  });
  return {
    ...server,
    dispose: async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalPostgres, startLocalPostgres } from './embedded-postgres';

/** A throwaway embedded Postgres in a temporary folder, for one integration test file. */
export interface TestPostgres extends LocalPostgres {
  /** Stops the server and removes its folder. */
  dispose(): Promise<void>;
}

/**
 * A new, empty folder in the system's temp folder that every account may pass through but not list (mode 711), so
 * that, as root, the `postgres` user can keep a data folder in it. Only this new folder's mode is set.
 */
export async function makeTempFolder(prefix: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  await chmod(folder, 0o711);
  return folder;
}

/**
 * Starts a fresh embedded Postgres on a free port in a new temporary folder. `password` sets the superuser's, so a
 * test can look for it in what the platform writes.
 */
export async function startTestPostgres(options: { password?: string } = {}): Promise<TestPostgres> {
  const root = await makeTempFolder('totes-pg-');
  const server = await startLocalPostgres({
    dataDir: join(root, 'pg'),
    fast: true,
    ...(options.password ? { password: options.password } : {}),
  });
  return {
    ...server,
    dispose: async () => {
      await server.stop();
      // The data lives elsewhere when the postgres user could not reach the temp folder.
      await rm(server.dataDir, { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
    },
  };
}

import { cp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPostgresOptions, startLocalPostgres } from './embedded-postgres';
import { LocalStackErrorCode, PostgresDataVersionError, PostgresUnreachableError } from './errors';
import { packagedBinaries } from './postgres-binaries';
import { makeTempFolder, startTestPostgres, type TestPostgres } from './testing';

describe('embedded Postgres', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('creates a database once and answers queries in UTC', async () => {
    await server.ensureDatabase('totesys');
    await server.ensureDatabase('totesys');
    const client = new pg.Client({ connectionString: server.url('totesys') });
    await client.connect();
    const { rows } = await client.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz");
    await client.end();
    expect(rows[0]?.tz).toBe('UTC');
  });

  it('is PostgreSQL 18, which can declare a foreign key NOT ENFORCED', async () => {
    const { rows } = await query(server.url('postgres'), 'SHOW server_version_num');

    expect(Number(rows[0]?.server_version_num)).toBeGreaterThanOrEqual(180_000);
  });

  it('refuses a data folder made by PostgreSQL 17, telling the user to delete the state folder, and keeps it', async () => {
    const root = await makeTempFolder('totes-pg17-');
    const dataDir = join(root, 'state', 'postgres');
    const made = await startLocalPostgres({ dataDir, fast: true, onNotice: () => {} });
    await made.stop();
    await writeFile(join(made.dataDir, 'PG_VERSION'), '17\n');

    const error = await startLocalPostgres({ dataDir, fast: true, onNotice: () => {} }).catch(
      (caught: unknown) => caught,
    );
    const kept = await stat(join(made.dataDir, 'base')).then(() => true);
    await rm(made.dataDir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });

    expect(error).toBeInstanceOf(PostgresDataVersionError);
    expect(error).toMatchObject({
      code: LocalStackErrorCode.postgresDataTooOld,
      dataVersion: '17',
      serverVersion: '18',
    });
    expect((error as Error).message).toContain(`${dataDir} was made by PostgreSQL 17`);
    expect((error as Error).message).toContain('delete the state folder');
    expect(kept).toBe(true);
  });
});

// Only root hands PostgreSQL to the `postgres` user, so only a run as root can meet a folder that user cannot reach.
const asRoot = process.getuid?.() === 0;
describe.skipIf(!asRoot)(
  `embedded Postgres in a checkout only root can reach${asRoot ? '' : ' (skipped: only a run as root hands PostgreSQL to the postgres user)'}`,
  () => {
    // base (711) / home (700, like /root) / checkout / native (the binaries); home / checkout-… / .totes/postgres
    let base: string;
    let home: string;
    let binaries: string;
    let roots: NonNullable<LocalPostgresOptions['reachableRoots']>;
    beforeAll(async () => {
      base = await makeTempFolder('totes-closed-');
      home = join(base, 'home');
      await mkdir(home, { mode: 0o700 });
      binaries = join(home, 'checkout', 'native');
      await cp(packagedBinaries, binaries, { recursive: true });
      roots = { binaries: join(base, 'cache'), data: join(base, 'data') };
    });
    afterAll(async () => {
      await rm(base, { recursive: true, force: true });
    });

    /** The binaries in the closed home folder, and a state folder of its own there. */
    function checkout(name: string): { binaries: string; dataDir: string } {
      return { binaries, dataDir: join(home, name, '.totes', 'postgres') };
    }

    it('runs PostgreSQL from a copy of the binaries and a data folder the postgres user can reach, and says so, leaving the home folder closed', async () => {
      const folders = checkout('checkout-a');
      const notices: string[] = [];
      const started = Date.now();

      const server = await startLocalPostgres({
        ...folders,
        reachableRoots: roots,
        fast: true,
        onNotice: (notice) => notices.push(notice),
      });
      const answer = await selectOne(server.url('postgres')).finally(() => server.stop());

      expect(answer).toBe(1);
      expect(Date.now() - started).toBeLessThan(40_000);
      expect(await modeOf(home)).toBe(0o700);
      expect(server.dataDir.startsWith(`${roots.data}/`)).toBe(true);
      expect(notices).toEqual([
        expect.stringContaining(`copied PostgreSQL's binaries to ${roots.binaries}/`),
        expect.stringContaining(
          `PostgreSQL's data lives in ${server.dataDir}, linked from ${folders.dataDir}`,
        ),
      ]);
    });

    it('keeps the data across a restart without a word, and starts from nothing once the state folder is deleted', async () => {
      const folders = checkout('checkout-b');
      const options = { ...folders, reachableRoots: roots, fast: true };
      const first = await startLocalPostgres({ ...options, onNotice: () => {} });
      await query(first.url('postgres'), 'CREATE TABLE kept (id int)').finally(() => first.stop());
      const notices: string[] = [];

      const second = await startLocalPostgres({ ...options, onNotice: (notice) => notices.push(notice) });
      const keptAfterRestart = await tableExists(second.url('postgres')).finally(() => second.stop());
      await rm(dirname(folders.dataDir), { recursive: true });
      const third = await startLocalPostgres({ ...options, onNotice: () => {} });
      const keptAfterDelete = await tableExists(third.url('postgres')).finally(() => third.stop());

      expect(keptAfterRestart).toBe(true);
      expect(notices).toEqual([]);
      expect(second.dataDir).toBe(first.dataDir);
      expect(keptAfterDelete).toBe(false);
      expect(await modeOf(home)).toBe(0o700);
    });

    it('refuses at once a data folder the postgres user cannot reach, naming the folder and the fix', async () => {
      const folders = checkout('checkout-c');
      await mkdir(folders.dataDir, { recursive: true });
      await writeFile(join(folders.dataDir, 'PG_VERSION'), '17\n');
      const started = Date.now();

      const error = await startLocalPostgres({ ...folders, reachableRoots: roots, onNotice: () => {} }).catch(
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(PostgresUnreachableError);
      expect(error).toMatchObject({ code: LocalStackErrorCode.postgresUnreachable, folder: home });
      expect((error as Error).message).toContain(`${home} (mode 700, owner uid 0)`);
      expect((error as Error).message).toContain('TOTES_STATE_DIR');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await modeOf(home)).toBe(0o700);
    });
  },
);

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function selectOne(url: string): Promise<number | undefined> {
  const { rows } = await query(url, 'SELECT 1 AS one');
  return rows[0]?.one;
}

async function tableExists(url: string): Promise<boolean> {
  const { rows } = await query(url, "SELECT to_regclass('public.kept') IS NOT NULL AS found");
  return rows[0]?.found;
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LocalAws, startLocalAws, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { createPool } from '@totes/runtime';
import { seedTotesys } from '@totes/totesys';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main';
import { allServices } from '../src/platform';

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

describe('totes serve: one process per service, as on AWS', () => {
  let postgres: TestPostgres;
  let aws: LocalAws;
  let lakeDir: string;
  let source: pg.Pool;
  let warehouse: pg.Pool;
  const processes = new Map<string, ChildProcess>();
  const output: string[] = [];

  beforeAll(async () => {
    postgres = await startTestPostgres();
    await postgres.ensureDatabase('totesys');
    await postgres.ensureDatabase('warehouse');
    await seedTotesys(postgres.url('totesys'), { seed: 5, scale: 0.01 });
    aws = await startLocalAws();
    lakeDir = await mkdtemp(join(tmpdir(), 'totes-lake-'));
    source = createPool(postgres.url('totesys'));
    warehouse = createPool(postgres.url('warehouse'));
  });
  afterAll(async () => {
    for (const child of processes.values()) child.kill('SIGKILL');
    await Promise.all([source?.end(), warehouse?.end()]);
    await aws?.stop();
    await postgres?.dispose();
    await rm(lakeDir, { recursive: true, force: true });
  });

  it('loads every sales order through five service processes that share nothing but the platform', async () => {
    const env = {
      ...process.env,
      TOTES_SOURCE_URL: postgres.url('totesys'),
      TOTES_WAREHOUSE_URL: postgres.url('warehouse'),
      TOTES_LAKE_URL: lakeDir,
      TOTES_STAGE: 'serve',
      AWS_ENDPOINT_URL: aws.endpoint,
    };
    for (const service of allServices) {
      const child = spawn(process.execPath, ['--import', 'tsx', bin, 'serve', '--service', service], {
        env: { ...env, TOTES_DETECT_INTERVAL_MS: '500' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // What a service says is kept for the failure message, and read so its pipes never fill.
      child.stdout?.on('data', (chunk) => output.push(`${service}: ${chunk}`));
      child.stderr?.on('data', (chunk) => output.push(`${service}: ${chunk}`));
      processes.set(service, child);
    }
    const { rows: expected } = await source.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sales_order',
    );

    const loaded = await poll(async () => {
      const { rows } = await warehouse
        .query<{ n: number }>('SELECT count(*)::int AS n FROM fact_sales_order')
        .catch(() => ({ rows: [{ n: 0 }] }));
      return rows[0]?.n === expected[0]?.n;
    }, 90_000);

    expect(loaded, output.join('').slice(-4000)).toBe(true);
  }, 120_000);

  it('stops every service process cleanly on SIGTERM', async () => {
    const exits = [...processes.values()].map((child) => once(child, 'exit'));
    for (const child of processes.values()) child.kill('SIGTERM');

    const codes = (await Promise.all(exits)).map(([code]) => code);

    expect(codes, output.join('').slice(-4000)).toEqual(allServices.map(() => 0));
    processes.clear();
  }, 60_000);

  it('waits for a warehouse that is not there yet, and serves once it is', async () => {
    const said: string[] = [];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', bin, 'serve', '--service', 'warehouse-loader'],
      {
        env: {
          ...process.env,
          TOTES_SOURCE_URL: postgres.url('totesys'),
          TOTES_WAREHOUSE_URL: postgres.url('later'),
          // A warehouse of its own has a lake of its own: the first one belongs to the first warehouse.
          TOTES_LAKE_URL: join(lakeDir, 'later'),
          TOTES_STAGE: 'later',
          AWS_ENDPOINT_URL: aws.endpoint,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    processes.set('late', child);
    child.stdout?.on('data', (chunk) => said.push(String(chunk)));
    child.stderr?.on('data', (chunk) => said.push(String(chunk)));

    const retried = await poll(async () => said.join('').includes('cannot start yet'), 30_000);
    await postgres.ensureDatabase('later');
    const serving = await poll(async () => said.join('').includes('"message":"serving"'), 30_000);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    processes.delete('late');

    expect(retried, said.join('')).toBe(true);
    expect(serving, said.join('')).toBe(true);
    expect(code).toBe(0);
  }, 90_000);

  it('exits at once, without retrying, when the lake belongs to another platform instance', async () => {
    const said: string[] = [];
    // The warehouse 'later' has a platform instance of its own; the first lake belongs to the first warehouse.
    const child = spawn(process.execPath, ['--import', 'tsx', bin, 'serve', '--service', 'change-detector'], {
      env: {
        ...process.env,
        TOTES_SOURCE_URL: postgres.url('totesys'),
        TOTES_WAREHOUSE_URL: postgres.url('later'),
        TOTES_LAKE_URL: lakeDir,
        TOTES_STAGE: 'later',
        AWS_ENDPOINT_URL: aws.endpoint,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    processes.set('refused', child);
    child.stdout?.on('data', (chunk) => said.push(String(chunk)));
    child.stderr?.on('data', (chunk) => said.push(String(chunk)));

    const [code] = await once(child, 'exit');
    processes.delete('refused');

    expect(code, said.join('')).toBe(1);
    expect(said.join('')).toContain('LakeIdentityMismatchError');
    expect(said.join('')).not.toContain('cannot start yet');
  }, 60_000);

  it('refuses an unknown service name with a usage error', async () => {
    const exitCode = await main(['serve', '--service', 'table-loader']);

    expect(exitCode).toBe(2);
  });
});

async function poll(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

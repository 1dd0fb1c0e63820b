import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalAws, startLocalAws, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { sourceTableNames } from '@totes/model';
import {
  createAwsClients,
  createLake,
  createLogger,
  createPool,
  IdentityAction,
  LakeErrorCode,
  LakeIdentityMismatchError,
  lakeIdentityKey,
  loadConfig,
  readLakeIdentity,
} from '@totes/runtime';
import { seedTotesys } from '@totes/totesys';
import { verifyWarehouse } from '@totes/verify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPlatform } from '../src/platform';
import { waitForDrain } from '../src/wait-for-drain';
import { totes } from './totes-command';

describe('the lake and the warehouse state know each other', () => {
  let postgres: TestPostgres;
  let aws: LocalAws;
  let scratch: string;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    await postgres.ensureDatabase('totesys');
    await seedTotesys(postgres.url('totesys'), { seed: 5, scale: 0.01 });
    aws = await startLocalAws();
    scratch = await mkdtemp(join(tmpdir(), 'totes-lake-identity-'));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await aws?.stop();
    await postgres?.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  /** A new warehouse database and an empty lake folder. */
  async function fresh(name: string): Promise<{ warehouseUrl: string; lakeDir: string }> {
    await postgres.ensureDatabase(name);
    const lakeDir = join(scratch, name);
    await mkdir(lakeDir, { recursive: true });
    return { warehouseUrl: postgres.url(name), lakeDir };
  }

  /** Starts the platform on a warehouse and a lake, on a stage of its own in the shared fauxqs. */
  async function start(warehouseUrl: string, lakeUrl: string, logLines: string[] = []) {
    const config = loadConfig(
      {},
      {
        sourceUrl: postgres.url('totesys'),
        warehouseUrl,
        lakeUrl,
        stage: `t${crypto.randomUUID().slice(0, 8)}`,
      },
    );
    const platform = await startPlatform({
      config,
      awsEndpoint: aws.endpoint,
      logger: createLogger({}, { write: (line) => logLines.push(line) }),
      freshQueues: true,
    });
    return { platform, config };
  }

  async function stateIdOf(warehouseUrl: string): Promise<string | undefined> {
    const pool = createPool(warehouseUrl);
    try {
      const { rows } = await pool.query<{ instance_id: string }>(
        'SELECT instance_id FROM totes.platform_instance',
      );
      return rows[0]?.instance_id;
    } finally {
      await pool.end();
    }
  }

  async function lakeIdOf(lakeDir: string): Promise<string | undefined> {
    const document = JSON.parse(await readFile(join(lakeDir, ...lakeIdentityKey.split('/')), 'utf8'));
    return document.instanceId;
  }

  /** Points the `totes` command at a warehouse and a lake, as an operator's env would. */
  function totesEnv(warehouseUrl: string, lakeDir: string, stateDir: string): void {
    vi.stubEnv('TOTES_SOURCE_URL', postgres.url('totesys'));
    vi.stubEnv('TOTES_WAREHOUSE_URL', warehouseUrl);
    vi.stubEnv('TOTES_LAKE_URL', lakeDir);
    vi.stubEnv('AWS_ENDPOINT_URL', aws.endpoint);
    vi.stubEnv('TOTES_STATE_DIR', stateDir);
    vi.stubEnv('TOTES_STAGE', `t${crypto.randomUUID().slice(0, 8)}`);
  }

  it('writes the same new platform instance id into the lake and the state on the first run', async () => {
    const { warehouseUrl, lakeDir } = await fresh('first_run');

    const { platform } = await start(warehouseUrl, lakeDir);
    await platform.stop();

    const lakeId = await lakeIdOf(lakeDir);
    expect(lakeId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await stateIdOf(warehouseUrl)).toBe(lakeId);
    expect(platform.identity).toMatchObject({ instanceId: lakeId, action: IdentityAction.create });
  });

  it('writes the same id into an S3 lake (fauxqs) and the state, and refuses that lake to another warehouse', async () => {
    aws.createBucket('identity-lake');
    const { warehouseUrl } = await fresh('s3_first');
    const { warehouseUrl: otherWarehouseUrl } = await fresh('s3_other');
    const lakeUrl = 's3://identity-lake/stage';

    const { platform } = await start(warehouseUrl, lakeUrl);
    await platform.stop();
    const refused = await start(otherWarehouseUrl, lakeUrl).catch((caught: unknown) => caught);

    const { s3, sqs, sns } = createAwsClients({ region: 'us-east-1', endpoint: aws.endpoint });
    try {
      const lakeId = await readLakeIdentity(createLake(lakeUrl, { s3Client: s3 }).store);
      expect(lakeId).toBe(platform.identity.instanceId);
      expect(await stateIdOf(warehouseUrl)).toBe(lakeId);
      expect(refused).toBeInstanceOf(LakeIdentityMismatchError);
      expect((refused as Error).message).toContain(`${lakeId}`);
      expect((refused as Error).message).toContain(lakeUrl);
    } finally {
      for (const client of [s3, sqs, sns]) client.destroy();
    }
  });

  it('refuses a lake that belongs to another platform instance, naming both ids, the lake and the way out', async () => {
    const a = await fresh('owner_a');
    const b = await fresh('owner_b');
    const first = await start(a.warehouseUrl, a.lakeDir);
    await first.platform.detectOnce();
    await waitForDrain(first.platform, { timeoutMs: 60_000 });
    await first.platform.stop();
    const second = await start(b.warehouseUrl, b.lakeDir);
    await second.platform.stop();
    const idA = first.platform.identity.instanceId;
    const idB = second.platform.identity.instanceId;

    const refused = await start(b.warehouseUrl, a.lakeDir).catch((caught: unknown) => caught);

    expect(refused).toBeInstanceOf(LakeIdentityMismatchError);
    expect(refused).toMatchObject({
      code: LakeErrorCode.lakeIdentityMismatch,
      lakeInstanceId: idA,
      stateInstanceId: idB,
    });
    const message = (refused as Error).message;
    for (const part of [idA, idB, createLake(a.lakeDir).url, 'TOTES_LAKE_URL', 'totes lake adopt --yes'])
      expect(message).toContain(part);
    // Nothing changed on either side.
    expect(await lakeIdOf(a.lakeDir)).toBe(idA);
    expect(await stateIdOf(b.warehouseUrl)).toBe(idB);
  });

  it('refuses the lake of an earlier run to a fresh warehouse, as when pointed at a new source', async () => {
    const earlier = await fresh('earlier');
    const run = await start(earlier.warehouseUrl, earlier.lakeDir);
    await run.platform.detectOnce();
    await waitForDrain(run.platform, { timeoutMs: 60_000 });
    await run.platform.stop();
    const { warehouseUrl: freshWarehouseUrl } = await fresh('new_warehouse');

    const refused = await start(freshWarehouseUrl, earlier.lakeDir).catch((caught: unknown) => caught);

    expect(refused).toBeInstanceOf(LakeIdentityMismatchError);
    expect(refused).toMatchObject({
      lakeInstanceId: run.platform.identity.instanceId,
      stateInstanceId: null,
    });
    const warehouse = createPool(freshWarehouseUrl);
    try {
      const { rows } = await warehouse.query<{ n: number }>('SELECT count(*)::int AS n FROM dim_staff');
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await warehouse.end();
    }
  });

  it("starts on a refused lake once `totes lake adopt --yes` gives the state the lake's id", async () => {
    const a = await fresh('adopt_a');
    const b = await fresh('adopt_b');
    const owner = await start(a.warehouseUrl, a.lakeDir);
    await owner.platform.stop();
    const other = await start(b.warehouseUrl, b.lakeDir);
    await other.platform.stop();
    await expect(start(b.warehouseUrl, a.lakeDir)).rejects.toBeInstanceOf(LakeIdentityMismatchError);
    totesEnv(b.warehouseUrl, a.lakeDir, join(scratch, 'adopt-state'));

    const withoutYes = await totes('lake', 'adopt');
    const adopted = await totes('lake', 'adopt', '--yes');

    expect(withoutYes.code).toBe(2);
    expect(adopted.code).toBe(0);
    expect(adopted.out).toContain(owner.platform.identity.instanceId);
    expect(await stateIdOf(b.warehouseUrl)).toBe(owner.platform.identity.instanceId);
    vi.unstubAllEnvs();
    const started = await start(b.warehouseUrl, a.lakeDir);
    await started.platform.stop();
    expect(started.platform.identity).toMatchObject({
      instanceId: owner.platform.identity.instanceId,
      action: IdentityAction.matched,
    });
  });

  it('reports a lost lake and rebuilds it: `totes run --once` extracts every table again and verify passes', async () => {
    const { warehouseUrl, lakeDir } = await fresh('lost_lake');
    const stateDir = join(scratch, 'lost-lake-state');
    totesEnv(warehouseUrl, lakeDir, stateDir);
    expect((await totes('run', '--once')).code).toBe(0);
    const instanceId = await stateIdOf(warehouseUrl);
    const warehouse = createPool(warehouseUrl);
    const facts = async () =>
      (await warehouse.query<{ n: number }>('SELECT count(*)::int AS n FROM fact_sales_order')).rows[0]?.n;
    const factsBefore = await facts();
    await rm(lakeDir, { recursive: true, force: true });
    await mkdir(lakeDir);
    let printed = '';
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });

    let code: number;
    try {
      code = (await totes('run', '--once')).code;
    } finally {
      stderr.mockRestore();
    }

    const source = createPool(postgres.url('totesys'));
    try {
      expect(code).toBe(0);
      expect(printed).toContain('LAKE LOST');
      const log = await readFile(join(stateDir, 'logs', 'totes.log'), 'utf8');
      expect(log).toMatch(/"level":"warn".*the lake was lost/);
      const lake = createLake(lakeDir);
      for (const table of sourceTableNames)
        expect(await lake.list(`raw/${table}/`), `raw parts of ${table}`).not.toEqual([]);
      expect(await lakeIdOf(lakeDir)).toBe(instanceId);
      expect(await stateIdOf(warehouseUrl)).toBe(instanceId);
      expect(await facts()).toBe(factsBefore);
      const report = await verifyWarehouse({ source, warehouse, warehouseSchema: 'public' });
      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    } finally {
      await Promise.all([source.end(), warehouse.end()]);
    }
  });

  it('adopts a lake from before the identity (raw data, no id anywhere) under one new id, without a rewind', async () => {
    const { warehouseUrl, lakeDir } = await fresh('before_identity');
    const run = await start(warehouseUrl, lakeDir);
    await run.platform.detectOnce();
    await waitForDrain(run.platform, { timeoutMs: 60_000 });
    await run.platform.stop();
    // What a platform from before this change leaves: no identity object, no identity table.
    await rm(join(lakeDir, ...lakeIdentityKey.split('/')), { force: true });
    const warehouse = createPool(warehouseUrl);
    const watermarks = async () =>
      (await warehouse.query('SELECT table_name, last_updated, last_id FROM totes.watermark ORDER BY 1'))
        .rows;
    try {
      await warehouse.query('DROP TABLE IF EXISTS totes.platform_instance');
      const before = await watermarks();

      const again = await start(warehouseUrl, lakeDir);
      await again.platform.stop();

      expect(again.platform.identity.action).toBe(IdentityAction.adopt);
      expect(again.platform.identity.instanceId).not.toBe(run.platform.identity.instanceId);
      expect(await lakeIdOf(lakeDir)).toBe(again.platform.identity.instanceId);
      expect(await stateIdOf(warehouseUrl)).toBe(again.platform.identity.instanceId);
      expect(await watermarks()).toEqual(before);
    } finally {
      await warehouse.end();
    }
  });
});

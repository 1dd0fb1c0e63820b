import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { piecesOf } from '@totes/contracts';
import { makeTempFolder, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import {
  createInboxLedger,
  createInboxStore,
  createPool,
  type InboxLedger,
  type InboxStore,
  migrateState,
} from '@totes/runtime';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discoverFiles, type InboxDetectorPorts } from '../src/discover-files';

// Discovery by re-listing a real inbox folder, with the ledger in a real state schema.
let postgres: TestPostgres;
let pool: pg.Pool;
let folder: string;
let store: InboxStore;
let ledger: InboxLedger;
let ports: InboxDetectorPorts;
const leaseMs = 60_000;
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
let schema = 0;

beforeAll(async () => {
  postgres = await startTestPostgres();
  pool = createPool(postgres.url('postgres'));
});
afterAll(async () => {
  await pool?.end();
  await postgres?.dispose();
});
beforeEach(async () => {
  // A state schema and an inbox folder of its own for each test.
  schema += 1;
  await migrateState(pool, `inbox_${schema}`);
  ledger = createInboxLedger(pool, `inbox_${schema}`);
  folder = await makeTempFolder('totes-inbox-');
  store = createInboxStore(folder);
  ports = { list: () => store.list(), ledger };
  return () => rm(folder, { recursive: true, force: true });
});

async function drop(key: string, text: string, mtimeSeconds = 1): Promise<void> {
  const path = join(folder, ...key.split('/'));
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  await utimes(path, mtimeSeconds, mtimeSeconds);
}

describe('discoverFiles', () => {
  it('records a new file discovered, then claims it with a lease under the id of the request that asks for it', async () => {
    await drop('design/a.csv', 'design_id\n');

    const { files } = await discoverFiles('run-1', ports, at(0), leaseMs);

    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      kind: 'file',
      table: 'design',
      file: { key: 'design/a.csv', bytes: 10 },
    });
    expect(await ledger.get(files[0]!.file)).toMatchObject({
      state: 'claimed',
      claimId: files[0]!.id,
      claimedAt: at(0),
    });
  });

  it('asks for a claimed file once while its lease holds, and again under a new request when it runs out', async () => {
    await drop('design/a.csv', 'design_id\n');
    const first = await discoverFiles('run-1', ports, at(0), leaseMs);

    const during = await discoverFiles('run-2', ports, at(30), leaseMs);
    const after = await discoverFiles('run-3', ports, at(61), leaseMs);

    expect(during.files).toEqual([]);
    expect(after.files).toHaveLength(1);
    expect(after.files[0]!.id).not.toBe(first.files[0]!.id);
    expect((await ledger.get(after.files[0]!.file))?.claimId).toBe(after.files[0]!.id);
  });

  it('quarantines on sight a file under an unknown table folder or of an unknown format, and never asks for it', async () => {
    await drop('orders/a.csv', 'x\n');
    await drop('design/a.json', '{}\n');

    const first = await discoverFiles('run-1', ports, at(0), leaseMs);
    const second = await discoverFiles('run-2', ports, at(120), leaseMs);

    expect(first.files).toEqual([]);
    expect(first.quarantined.map((entry) => [entry.key, entry.reason])).toEqual([
      ['design/a.json', expect.stringMatching(/no supported extension/)],
      ['orders/a.csv', '"orders" is not a table of the catalog'],
    ]);
    expect(second).toEqual({ files: [], quarantined: [] });
  });

  it('does not ask again for a loaded file, and asks for a changed file under the same name as a new version', async () => {
    await drop('design/a.csv', 'design_id\n');
    const [first] = (await discoverFiles('run-1', ports, at(0), leaseMs)).files;
    await ledger.markLoaded(first!.file, { read: 0, loaded: 0 });

    const unchanged = await discoverFiles('run-2', ports, at(120), leaseMs);
    await drop('design/a.csv', 'design_id\n1\n', 2);
    const changed = await discoverFiles('run-3', ports, at(121), leaseMs);

    expect(unchanged.files).toEqual([]);
    expect(changed.files).toHaveLength(1);
    expect(changed.files[0]!.file.version).not.toBe(first!.file.version);
  });

  it('forgets every claim on a restart with new queues, so the files are asked for at once', async () => {
    await drop('design/a.csv', 'design_id\n');
    await discoverFiles('run-1', ports, at(0), leaseMs);

    await ledger.releaseClaims();
    const again = await discoverFiles('run-2', ports, at(1), leaseMs);

    expect(again.files).toHaveLength(1);
  });

  it('claims the due files of one table together, in batches within the budget, one request and one claim each', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) await drop(`design/${name}.csv`, 'design_id\n');
    await drop('staff/a.csv', 'staff_id\n');

    const { files } = await discoverFiles(
      'run-1',
      { ...ports, batch: { files: 2, bytes: 1000 } },
      at(0),
      leaseMs,
    );

    expect(files.map((request) => [request.table, piecesOf(request).map((piece) => piece.key)])).toEqual([
      ['design', ['design/a.csv', 'design/b.csv']],
      ['design', ['design/c.csv', 'design/d.csv']],
      ['design', ['design/e.csv']],
      ['staff', ['staff/a.csv']],
    ]);
    const claims = (await ledger.list()).map((entry) => entry.claimId);
    expect(claims).toEqual([
      files[0]!.id,
      files[0]!.id,
      files[1]!.id,
      files[1]!.id,
      files[2]!.id,
      files[3]!.id,
    ]);
  });

  it('records and claims thousands of files dropped at once, a few statements for all', async () => {
    for (let index = 0; index < 2500; index += 1)
      await drop(`sales_order/${String(index).padStart(5, '0')}.csv`, 'sales_order_id\n');
    let statements = 0;
    const counting = new Proxy(pool, {
      get: (target, name) =>
        name === 'query'
          ? (...args: unknown[]) => {
              statements += 1;
              return (target.query as (...a: unknown[]) => unknown)(...args);
            }
          : Reflect.get(target, name),
    });
    const countedLedger = createInboxLedger(counting, `inbox_${schema}`);

    const { files } = await discoverFiles('run-1', { ...ports, ledger: countedLedger }, at(0), leaseMs);

    expect(files.map((request) => piecesOf(request).length)).toEqual([1000, 1000, 500]);
    expect(statements).toBe(1 + 1 + 3);
    expect((await ledger.list()).every((entry) => entry.state === 'claimed')).toBe(true);
  });

  it('leaves out of a batch a file that another claim took meanwhile', async () => {
    const found = { version: 'v1', bytes: 10, table: 'design' };
    await ledger.discover([
      { ...found, key: 'design/a.csv' },
      { ...found, key: 'design/b.csv' },
    ]);
    const [a, b] = await ledger.due(at(0));
    const [other, mine] = [crypto.randomUUID(), crypto.randomUUID()];
    const taken = await ledger.claimAll([a!], other, at(0), leaseMs);

    const claimed = await ledger.claimAll([a!, b!], mine, at(0), leaseMs);

    expect(taken.map((file) => file.key)).toEqual(['design/a.csv']);
    expect(claimed.map((file) => file.key)).toEqual(['design/b.csv']);
    expect((await ledger.get(a!))?.claimId).toBe(other);
  });

  it('does not list a hidden file, such as a copy still in progress', async () => {
    await drop('design/.a.csv.tmp', 'design_id\n');

    expect((await discoverFiles('run-1', ports, at(0), leaseMs)).files).toEqual([]);
  });
});

describe('the inbox ledger', () => {
  // One claim per file, so each test holds each file's request apart.
  beforeEach(() => {
    ports = { ...ports, batch: { files: 1, bytes: 1024 } };
  });

  it('names the first file as the owner of bytes seen again under another name, which loads nothing', async () => {
    await drop('design/a.csv', 'design_id\n');
    await drop('design/copy-of-a.csv', 'design_id\n');
    const [a, copy] = (await discoverFiles('run-1', ports, at(0), leaseMs)).files;

    const ownerOfA = await ledger.recordContent(a!.file, 'same-hash');
    await ledger.markLoaded(a!.file, { read: 0, loaded: 0 });
    const ownerOfCopy = await ledger.recordContent(copy!.file, 'same-hash');

    expect(ownerOfA).toBeNull();
    expect(ownerOfCopy).toBe('design/a.csv');
  });

  it('lets bytes load again after the only file that held them was quarantined', async () => {
    await drop('design/a.csv', 'design_id\n');
    await drop('design/b.csv', 'design_id\n');
    const [a, b] = (await discoverFiles('run-1', ports, at(0), leaseMs)).files;
    await ledger.recordContent(a!.file, 'same-hash');
    await ledger.quarantine(a!.file, 'a bad value', { read: 3 });

    expect(await ledger.recordContent(b!.file, 'same-hash')).toBeNull();
    expect(await ledger.get(a!.file)).toMatchObject({
      state: 'quarantined',
      reason: 'a bad value',
      rowsRead: 3,
    });
  });

  it('refuses, by its unique index, two files that own the same bytes at once', async () => {
    await drop('design/a.csv', 'design_id\n');
    await drop('design/b.csv', 'design_id\n');
    const [a, b] = (await discoverFiles('run-1', ports, at(0), leaseMs)).files;
    await ledger.recordContent(a!.file, 'same-hash');

    const owned = pool.query(
      `UPDATE inbox_${schema}.inbox_file SET content_sha256 = 'same-hash' WHERE file_key = $1`,
      [b!.file.key],
    );

    await expect(owned).rejects.toThrow(/inbox_file_content/);
  });

  it('claims a replayed quarantined file again on the next listing, under the policy asked, its rejects cleared', async () => {
    await drop('design/a.csv', 'design_id\n');
    const [first] = (await discoverFiles('run-1', ports, at(0), leaseMs)).files;
    const reject = { place: 'line', at: 2, column: null, reason: 'line 2: bad', raw: 'x' } as const;
    await ledger.recordRejects(first!.file, [reject]);
    await ledger.quarantine(first!.file, 'line 2: bad', { read: 1, rejected: 1 });
    const rejectsBefore = await ledger.rejectsOf(first!.file);

    const replayed = await ledger.replay(first!.file, 'skip:50%');
    const [again] = (await discoverFiles('run-2', ports, at(1), leaseMs)).files;

    expect(rejectsBefore).toEqual([reject]);
    expect(replayed).toBe(true);
    expect(again?.file).toEqual(first?.file);
    expect(await ledger.rejectsOf(first!.file)).toEqual([]);
    expect(await ledger.get(first!.file)).toMatchObject({
      state: 'claimed',
      policy: 'skip:50%',
      reason: null,
      rowsRejected: null,
    });
  });

  it('replays neither a file that is not quarantined nor one whose key names no table', async () => {
    await drop('design/a.csv', 'design_id\n');
    await drop('orders/o.csv', 'id\n');
    const { files, quarantined } = await discoverFiles('run-1', ports, at(0), leaseMs);

    expect(await ledger.replay(files[0]!.file)).toBe(false);
    expect(await ledger.replay(quarantined[0]!)).toBe(false);
  });
});

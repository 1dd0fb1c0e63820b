import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findSourceTable, rescuedColumn, type SourceTable } from '@totes/model';
import { createInboxLedger, createLake, type InboxEntry, inboxRawKey } from '@totes/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';
import { pointTotesAt, totes } from './totes-command';

const header = 'design_id,created_at,design_name,file_location,file_name,last_updated';
const good = (id: number) => `${id},2024-01-01 00:00:00,Design ${id},/d,d${id}.jpg,2024-01-02 00:00:00`;
const bad = (id: number) => `${id},2024-01-01 00:00:00,Design ${id},/d,d${id}.jpg,yesterday`;

// Bad rows of inbox files under a table's policy, on an inbox-only platform whose design files may reject up to 34%
// of their rows (TOTES_INBOX_POLICY), and the operator's view of them: `totes inbox show` and `totes inbox replay`.
describe('inbox files with bad rows, under their table policy', () => {
  let t: TestPlatform;
  let undo: () => Promise<void>;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01, inboxOnly: true, inboxPolicy: 'design=skip:34%' });
    undo = await pointTotesAt(t);
  });
  afterAll(async () => {
    await undo?.();
    await t?.dispose();
  });

  const drop = (name: string, lines: string[]) =>
    writeFile(join(t.inboxDir, 'design', name), `${[header, ...lines].join('\n')}\n`, { flag: 'w' });
  const entryOf = async (key: string): Promise<InboxEntry | undefined> =>
    (await createInboxLedger(t.warehouse, t.config.stateSchema).versionsOf(key)).at(-1);
  const designIds = async () =>
    (
      await t.warehouse.query<{ design_id: number }>(
        'SELECT design_id FROM dim_design WHERE design_id >= 900000 ORDER BY design_id',
      )
    ).rows.map((row) => row.design_id);
  const rawParts = async () =>
    (await readdir(join(t.config.lakeUrl, 'raw', 'design'), { recursive: true })).filter((name) =>
      name.endsWith('.parquet'),
    );

  it('loads the good rows of a file whose one bad row its rate allows, and shows the reject', async () => {
    await mkdir(join(t.inboxDir, 'design'));
    await drop('one-bad.csv', [good(900001), good(900002), bad(900003)]);

    await t.runOnce();
    const shown = await totes('inbox', 'show', 'design/one-bad.csv');

    expect(await designIds()).toEqual([900001, 900002]);
    expect(await entryOf('design/one-bad.csv')).toMatchObject({
      state: 'loaded',
      rowsRead: 3,
      rowsLoaded: 2,
      rowsRejected: 1,
    });
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('rows read 3, loaded 2, rejected 1');
    expect(shown.out).toContain('line 4, column last_updated: "yesterday" is not a timestamp');
    expect(shown.out).toContain(bad(900003));
  });

  it('prints `totes inbox show --json` as JSON of each version with its rejected rows', async () => {
    const { code, out } = await totes('inbox', 'show', join(t.inboxDir, 'design', 'one-bad.csv'), '--json');

    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([
      expect.objectContaining({
        key: 'design/one-bad.csv',
        state: 'loaded',
        rejects: [
          { place: 'line', at: 4, column: 'last_updated', reason: expect.any(String), raw: bad(900003) },
        ],
      }),
    ]);
  });

  it('quarantines a file with more bad rows than its rate allows, publishing nothing and keeping its rejects', async () => {
    const partsBefore = await rawParts();
    const warehouseBefore = await t.warehouse.query('SELECT * FROM dim_design ORDER BY design_id');
    await drop('two-bad.csv', [good(900011), bad(900012), bad(900013)]);

    await t.runOnce();
    const shown = await totes('inbox', 'show', 'design/two-bad.csv');

    expect(await entryOf('design/two-bad.csv')).toMatchObject({
      state: 'quarantined',
      reason: expect.stringMatching(
        /^2 of 3 rows rejected, more than the 1 that design's policy skip:34% allows; the first: line 3, column last_updated/,
      ),
      rowsLoaded: 0,
      rowsRejected: 2,
    });
    expect(await rawParts()).toEqual(partsBefore);
    expect((await t.warehouse.query('SELECT * FROM dim_design ORDER BY design_id')).rows).toEqual(
      warehouseBefore.rows,
    );
    expect(shown.out).toMatch(
      /line 3, column last_updated[^\n]*\n +900012,[^\n]*\n +line 4, column last_updated/,
    );
  });

  it('loads a quarantined file replayed under a policy that allows its bad rows, and a second replay loads nothing', async () => {
    const replay = await totes('inbox', 'replay', 'design/two-bad.csv', '--policy', 'skip:70%');
    await t.runOnce();
    const again = await totes('inbox', 'replay', 'design/two-bad.csv');
    await t.runOnce();

    expect(replay.out).toMatch(/^replayed design\/two-bad\.csv .*under policy skip:70%/);
    expect(await entryOf('design/two-bad.csv')).toMatchObject({
      state: 'loaded',
      policy: 'skip:70%',
      rowsLoaded: 1,
      rowsRejected: 2,
    });
    expect(again.out).toMatch(/^not replayed design\/two-bad\.csv .*: it is loaded/);
    expect(await designIds()).toEqual([900001, 900002, 900011]);
  });

  it('loads a quarantined file fixed in place once: the fixed version loads, a replay of the old one reads a duplicate', async () => {
    await drop('fixed.csv', [bad(900021)]);
    await t.runOnce();
    const quarantined = await entryOf('design/fixed.csv');
    await drop('fixed.csv', [good(900021)]);
    await t.runOnce();
    const partsBefore = await rawParts();

    const replay = await totes('inbox', 'replay', '--quarantined');
    await t.runOnce();

    const versions = await createInboxLedger(t.warehouse, t.config.stateSchema).versionsOf(
      'design/fixed.csv',
    );
    expect(quarantined?.state).toBe('quarantined');
    expect(replay.out).toContain('replayed design/fixed.csv');
    expect(versions.map((entry) => [entry.state, entry.duplicateOf, entry.rowsLoaded])).toEqual([
      ['loaded', 'design/fixed.csv', 0],
      ['loaded', null, 1],
    ]);
    expect(await rawParts()).toEqual(partsBefore);
    expect(await designIds()).toEqual([900001, 900002, 900011, 900021]);
  });

  it("keeps a column the catalog does not know in the raw part's _rescued column, and loads the row as ever", async () => {
    const design = findSourceTable('design') as SourceTable;
    await writeFile(
      join(t.inboxDir, 'design', 'noted.csv'),
      `${header},note\n${good(900031)},"from the ""old"" system"\n`,
    );

    await t.runOnce();

    const entry = await entryOf('design/noted.csv');
    const lake = createLake(t.config.lakeUrl);
    const key = inboxRawKey('design', entry as InboxEntry);
    const parts = (await lake.list(key)).filter((name) => name.endsWith('.parquet'));
    const raw = await lake.readAll({ parts }, [...design.columns.slice(0, 1), rescuedColumn]);
    expect(entry?.state).toBe('loaded');
    expect(raw).toEqual([{ design_id: 900031, _rescued: '{"note":"from the \\"old\\" system"}' }]);
    expect(await designIds()).toContain(900031);
    expect(t.logLines.join('\n')).toMatch(/columns the catalog does not know.*"note"/);
  });
});

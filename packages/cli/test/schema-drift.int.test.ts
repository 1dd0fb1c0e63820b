import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForDrain } from '../src/wait-for-drain';
import { startTestPlatform, type TestPlatform } from './harness';
import { pointTotesAt, totes } from './totes-command';

interface TableStatusJson {
  table: string;
  schemaDrift: { problem: string; since: string } | null;
}

describe('schema drift in the source: an added column is ignored aloud, a dropped or retyped one stops its table', () => {
  let t: TestPlatform;
  let undoTotes: () => Promise<void>;

  const linesSaying = (text: string, table: string) =>
    t.logLines.filter((line) => line.includes(text) && line.includes(`"table":"${table}"`));
  const watermarkOf = async (table: string) =>
    (
      await t.warehouse.query('SELECT last_updated, last_id FROM totes.watermark WHERE table_name = $1', [
        table,
      ])
    ).rows;
  const statusOf = async (table: string) => {
    const { code, out } = await totes('status', '--json', '--max-lag', '100000', '--max-dlq', '10');
    const report = JSON.parse(out) as { tables: TableStatusJson[]; alerts: string[] };
    return { code, alerts: report.alerts, table: report.tables.find((entry) => entry.table === table) };
  };

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01 });
    await t.runOnce();
    undoTotes = await pointTotesAt(t);
  });
  afterAll(async () => {
    await undoTotes?.();
    await t?.dispose();
  });

  it('loads a table with an added column as before, warning once per extraction that the column is ignored', async () => {
    await t.source.query('ALTER TABLE design ADD COLUMN popularity integer DEFAULT 3');
    await t.source.query(
      `UPDATE design SET design_name = 'Widened', last_updated = now() WHERE design_id = 1`,
    );

    await t.runOnce();
    await t.platform.detectOnce();

    const { rows } = await t.warehouse.query('SELECT design_name FROM dim_design WHERE design_id = 1');
    expect(rows).toEqual([{ design_name: 'Widened' }]);
    const warnings = linesSaying('columns the catalog does not know', 'design');
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ level: 'warn', addedColumns: ['popularity'] });
    expect((await statusOf('design')).table?.schemaDrift).toBeNull();
    await t.source.query('ALTER TABLE design DROP COLUMN popularity');
  });

  it('stops a table whose column was dropped, keeps its watermark, loads the other tables and completes the run', async () => {
    const before = await watermarkOf('staff');
    await t.source.query('ALTER TABLE staff RENAME COLUMN email_address TO email');
    await t.source.query(`UPDATE staff SET first_name = 'Drifted', last_updated = now() WHERE staff_id = 1`);
    await t.source.query(
      `UPDATE design SET design_name = 'Unaffected', last_updated = now() WHERE design_id = 2`,
    );

    const runId = await t.runOnce();

    const { rows: designs } = await t.warehouse.query(
      'SELECT design_name FROM dim_design WHERE design_id = 2',
    );
    expect(designs).toEqual([{ design_name: 'Unaffected' }]);
    const completed = t.tracker.summary(runId, 0).completed;
    expect(completed?.tables).toEqual(expect.arrayContaining(['staff', 'design']));
    expect(completed?.watermarks.find((entry) => entry.table === 'staff')?.watermark?.lastUpdated).toBe(
      before[0]?.last_updated,
    );
    const { rows: staff } = await t.warehouse.query('SELECT first_name FROM dim_staff WHERE staff_id = 1');
    expect(staff).not.toEqual([{ first_name: 'Drifted' }]);
    expect(await watermarkOf('staff')).toEqual(before);
    const errors = linesSaying('source table has drifted', 'staff');
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0] ?? '{}')).toMatchObject({
      level: 'error',
      problem: 'source table "staff" has drifted: column email_address is missing',
    });
  });

  it('shows the stopped table and why in totes status, human and --json, and raises an alert', async () => {
    const json = await statusOf('staff');
    const human = await totes('status');

    expect(json.table?.schemaDrift?.problem).toBe(
      'source table "staff" has drifted: column email_address is missing',
    );
    expect(json.alerts).toContain(
      'staff is stopped by schema drift: source table "staff" has drifted: column email_address is missing',
    );
    expect(json.code).toBe(1);
    expect(human.out).toMatch(
      /STOPPED since \S+: source table "staff" has drifted: column email_address is missing/,
    );
    expect((await statusOf('design')).table?.schemaDrift).toBeNull();
  });

  it('asks for no extraction of a stopped table while it still drifts', async () => {
    const detection = await t.platform.detectOnce();
    await waitForDrain(t.platform, { timeoutMs: 30_000 });

    expect(detection.changes.map((change) => change.table)).not.toContain('staff');
    expect(detection.skipped).toContainEqual({ table: 'staff', reason: 'schema-drift' });
    expect(linesSaying('source table has drifted', 'staff')).toHaveLength(1);
  });

  it('resumes a table once its schema is fixed: the drift clears and the held-back rows load', async () => {
    await t.source.query('ALTER TABLE staff RENAME COLUMN email TO email_address');

    await t.runOnce();

    const { rows } = await t.warehouse.query('SELECT first_name FROM dim_staff WHERE staff_id = 1');
    expect(rows).toEqual([{ first_name: 'Drifted' }]);
    expect((await statusOf('staff')).table?.schemaDrift).toBeNull();
    expect(linesSaying('matches the catalog again', 'staff')).toHaveLength(1);
  });

  it('stops a table whose column was retyped, names the types, and resumes it once the type is back', async () => {
    await t.source.query('ALTER TABLE currency ALTER COLUMN currency_code TYPE integer USING 0');
    await t.source.query('UPDATE currency SET last_updated = now() WHERE currency_id = 1');
    await t.runOnce();
    const stopped = await statusOf('currency');
    await t.source.query(
      `ALTER TABLE currency ALTER COLUMN currency_code TYPE varchar(3) USING (ARRAY['GBP','USD','EUR'])[currency_id]`,
    );
    await t.source.query(`UPDATE currency SET last_updated = now() WHERE currency_id = 1`);

    await t.runOnce();

    expect(stopped.table?.schemaDrift?.problem).toBe(
      'source table "currency" has drifted: column currency_code reads as int32, expected string',
    );
    expect((await statusOf('currency')).table?.schemaDrift).toBeNull();
    const { rows } = await t.warehouse.query('SELECT currency_code FROM dim_currency ORDER BY currency_id');
    expect(rows).toEqual([{ currency_code: 'GBP' }, { currency_code: 'USD' }, { currency_code: 'EUR' }]);
  });

  it('stops a table whose column was really dropped, naming it, loads the others, and resumes once the column is back', async () => {
    const { rows: phones } = await t.source.query<{ address_id: number; phone: string }>(
      'SELECT address_id, phone FROM address ORDER BY address_id',
    );
    const before = await watermarkOf('address');
    await t.source.query('ALTER TABLE address DROP COLUMN phone');
    await t.source.query(`UPDATE address SET city = 'Dropton', last_updated = now() WHERE address_id = 1`);
    await t.source.query(
      `UPDATE design SET design_name = 'Despite the drop', last_updated = now() WHERE design_id = 3`,
    );

    await t.runOnce();

    const stopped = await statusOf('address');
    expect(stopped.table?.schemaDrift?.problem).toBe(
      'source table "address" has drifted: column phone is missing',
    );
    expect(stopped.alerts).toContain(
      'address is stopped by schema drift: source table "address" has drifted: column phone is missing',
    );
    expect(await watermarkOf('address')).toEqual(before);
    const { rows: designs } = await t.warehouse.query(
      'SELECT design_name FROM dim_design WHERE design_id = 3',
    );
    expect(designs).toEqual([{ design_name: 'Despite the drop' }]);
    const { rows: held } = await t.warehouse.query('SELECT city FROM dim_location WHERE location_id = 1');
    expect(held).not.toEqual([{ city: 'Dropton' }]);

    // The column is back, refilled with its values; last_updated is left alone, as a restore would leave it.
    await t.source.query('ALTER TABLE address ADD COLUMN phone text');
    await t.source.query(
      `UPDATE address SET phone = restored.phone
       FROM unnest($1::integer[], $2::text[]) AS restored (address_id, phone)
       WHERE address.address_id = restored.address_id`,
      [phones.map((row) => row.address_id), phones.map((row) => row.phone)],
    );
    await t.source.query('ALTER TABLE address ALTER COLUMN phone SET NOT NULL');

    await t.runOnce();

    expect((await statusOf('address')).table?.schemaDrift).toBeNull();
    const { rows: resumed } = await t.warehouse.query(
      'SELECT city, phone FROM dim_location WHERE location_id = 1',
    );
    expect(resumed).toEqual([{ city: 'Dropton', phone: phones[0]?.phone }]);
  });
});

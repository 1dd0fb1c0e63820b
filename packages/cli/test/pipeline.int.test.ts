import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type ModelBuilt, newEnvelope } from '@totes/contracts';
import { deriveFactRow, findModel, processedColumnsOf, type Row } from '@totes/model';
import { createLake } from '@totes/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForDrain } from '../src/wait-for-drain';
import { startTestPlatform, type TestPlatform } from './harness';

async function count(pool: TestPlatform['warehouse'], table: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? -1;
}

describe('the pipeline, from totesys to the Sales star schema', () => {
  let t: TestPlatform;
  let firstRun: string;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.02 });
    firstRun = await t.runOnce();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('loads one fact row per source sales order on the first run', async () => {
    const sourceOrders = await count(t.source, 'sales_order');
    expect(sourceOrders).toBeGreaterThan(100);
    expect(await count(t.warehouse, 'fact_sales_order')).toBe(sourceOrders);
  });

  it('loads every dimension row for row from its source tables', async () => {
    const { rows: staff } = await t.source.query(
      `SELECT s.staff_id, s.first_name, s.last_name, d.department_name, d.location, s.email_address
       FROM staff s JOIN department d USING (department_id) ORDER BY s.staff_id`,
    );
    const { rows: dimStaff } = await t.warehouse.query(
      'SELECT staff_id, first_name, last_name, department_name, location, email_address FROM dim_staff ORDER BY staff_id',
    );
    expect(dimStaff).toEqual(staff);
    const { rows: designs } = await t.source.query(
      'SELECT design_id, design_name, file_location, file_name FROM design ORDER BY 1',
    );
    const { rows: dimDesign } = await t.warehouse.query(
      'SELECT design_id, design_name, file_location, file_name FROM dim_design ORDER BY 1',
    );
    expect(dimDesign).toEqual(designs);
    expect(await count(t.warehouse, 'dim_location')).toBe(await count(t.source, 'address'));
    expect(await count(t.warehouse, 'dim_counterparty')).toBe(await count(t.source, 'counterparty'));
    const { rows: currencies } = await t.warehouse.query(
      'SELECT currency_code, currency_name FROM dim_currency ORDER BY currency_id',
    );
    expect(currencies).toEqual([
      { currency_code: 'GBP', currency_name: 'Pound Sterling' },
      { currency_code: 'USD', currency_name: 'US Dollar' },
      { currency_code: 'EUR', currency_name: 'Euro' },
    ]);
  });

  it('derives fact columns as the model says: split timestamps with milliseconds, text dates cast', async () => {
    const { rows: source } = await t.source.query(
      `SELECT sales_order_id, to_char(created_at, 'YYYY-MM-DD') AS created_date, to_char(created_at, 'HH24:MI:SS.MS') AS created_time,
              staff_id, unit_price::text, agreed_delivery_date FROM sales_order ORDER BY sales_order_id LIMIT 50`,
    );
    const { rows: facts } = await t.warehouse.query(
      `SELECT sales_order_id, created_date::text, to_char(created_time, 'HH24:MI:SS.MS') AS created_time,
              sales_staff_id AS staff_id, unit_price::text, agreed_delivery_date::text FROM fact_sales_order
       ORDER BY sales_order_id LIMIT 50`,
    );
    expect(facts).toEqual(source);
  });

  it('covers every date a fact references in dim_date, with ISO days of the week', async () => {
    const { rows: missing } = await t.warehouse.query(
      `SELECT d FROM fact_sales_order f, LATERAL (VALUES (f.created_date), (f.last_updated_date), (f.agreed_payment_date), (f.agreed_delivery_date)) AS v(d)
       WHERE NOT EXISTS (SELECT 1 FROM dim_date WHERE date_id = v.d)`,
    );
    expect(missing).toEqual([]);
    const { rows } = await t.warehouse.query(
      `SELECT day_of_week, day_name FROM dim_date WHERE extract(isodow FROM date_id) = 7 LIMIT 1`,
    );
    expect(rows[0]).toEqual({ day_of_week: 7, day_name: 'Sunday' });
  });

  it('publishes nothing for a cycle in which no table changed', async () => {
    const detection = await t.platform.detectOnce();
    expect(detection.changes).toEqual([]);
  });

  it('loads one new fact row for one sales_order inserted', async () => {
    const before = await count(t.warehouse, 'fact_sales_order');
    const { rows } = await t.source.query<{ sales_order_id: number }>(
      `INSERT INTO sales_order (design_id, staff_id, counterparty_id, units_sold, unit_price, currency_id,
         agreed_delivery_date, agreed_payment_date, agreed_delivery_location_id)
       VALUES (1, 1, 1, 5000, 2.50, 1, '2026-12-01', '2026-12-05', 1) RETURNING sales_order_id`,
    );
    const runId = await t.runOnce();
    expect(await count(t.warehouse, 'fact_sales_order')).toBe(before + 1);
    const { rows: fact } = await t.warehouse.query(
      'SELECT units_sold, unit_price::text FROM fact_sales_order WHERE sales_order_id = $1',
      [rows[0]?.sales_order_id],
    );
    expect(fact).toEqual([{ units_sold: 5000, unit_price: '2.50' }]);
    expect(t.tracker.summary(runId, 0).tablesChanged).toEqual([{ table: 'sales_order', rows: 1 }]);
  });

  it('rebuilds and loads dim_design and nothing else when a design is renamed', async () => {
    await t.source.query(
      `UPDATE design SET design_name = 'Renamed', last_updated = now() WHERE design_id = 2`,
    );
    const runId = await t.runOnce();
    expect(t.tracker.summary(runId, 0).modelsBuilt).toEqual(['dim_design']);
    const { rows } = await t.warehouse.query('SELECT design_name FROM dim_design WHERE design_id = 2');
    expect(rows).toEqual([{ design_name: 'Renamed' }]);
  });

  it('rebuilds the staff of a department from the lake when the department is renamed', async () => {
    const { rows: members } = await t.source.query<{ staff_id: number }>(
      'SELECT staff_id FROM staff WHERE department_id = 1',
    );
    await t.source.query(
      `UPDATE department SET department_name = 'Sales & Marketing', last_updated = now() WHERE department_id = 1`,
    );
    const runId = await t.runOnce();
    expect(t.tracker.summary(runId, 0).modelsBuilt).toEqual(['dim_staff']);
    const { rows } = await t.warehouse.query<{ staff_id: number }>(
      `SELECT staff_id FROM dim_staff WHERE department_name = 'Sales & Marketing' ORDER BY staff_id`,
    );
    expect(rows.map((row) => row.staff_id)).toEqual(members.map((row) => row.staff_id).sort((a, b) => a - b));
  });

  it('writes no duplicate rows when a built message is delivered twice', async () => {
    await t.source.query(
      `UPDATE sales_order SET units_sold = units_sold + 1, last_updated = now() WHERE sales_order_id = 3`,
    );
    const runId = await t.runOnce();
    const before = await count(t.warehouse, 'fact_sales_order');
    const built = t.tracker.builds(runId).find((message) => message.model === 'fact_sales_order');
    expect(built).toBeDefined();
    const sns = new SNSClient({
      endpoint: t.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await sns.send(
      new PublishCommand({
        TopicArn: t.platform.endpoints.topics.built,
        Message: JSON.stringify(built),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'model.built' } },
      }),
    );
    await t.runOnce();
    expect(await count(t.warehouse, 'fact_sales_order')).toBe(before);
    const { rows } = await t.warehouse.query(
      'SELECT count(*)::int AS n FROM totes.load_ledger WHERE message_id = $1',
      [built?.id],
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('dead-letters a malformed message at once with a readable reason, and keeps working', async () => {
    const sqs = new SQSClient({
      endpoint: t.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const loader = t.platform.endpoints.queues['warehouse-loader'];
    await sqs.send(
      new SendMessageCommand({ QueueUrl: loader?.url, MessageBody: '{"type": "model.built", "version": 1' }),
    );
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: loader?.deadLetterUrl,
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 10,
      }),
    );
    expect(Messages).toHaveLength(1);
    const reason = JSON.parse(Messages[0]?.MessageAttributes?.['totes-failure']?.StringValue ?? '{}');
    expect(reason).toMatchObject({ errorCode: 'MESSAGE_REJECTED', service: 'warehouse-loader', attempts: 1 });
    expect(reason.errorMessage).toMatch(/not JSON/);
    expect(
      t.logLines.some((line) => line.includes('moved to the dead-letter queue') && line.includes('not JSON')),
    ).toBe(true);
    await t.source.query(
      `UPDATE design SET design_name = 'Still working', last_updated = now() WHERE design_id = 3`,
    );
    await t.runOnce();
    const { rows } = await t.warehouse.query('SELECT design_name FROM dim_design WHERE design_id = 3');
    expect(rows).toEqual([{ design_name: 'Still working' }]);
  });

  it('publishes one run-completed event carrying the watermark of every table, never past the source clock less the margin', async () => {
    const { rows } = await t.source.query<{ design_id: number; last_updated: string }>(
      `INSERT INTO design (design_name, file_location, file_name) VALUES ('Fern', '/designs', 'fern.png')
       RETURNING design_id, to_char(last_updated, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS last_updated`,
    );
    const runId = await t.runOnce();
    const { rows: clock } = await t.source.query<{ cap: string }>(
      `SELECT to_char(localtimestamp - $1::integer * interval '1 millisecond', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS cap`,
      [t.config.lateCommitMarginMs],
    );
    const completed = t.tracker.summary(runId, 0).completed;
    expect(completed?.tables).toEqual(['design']);
    expect(completed?.models).toEqual(['dim_design']);
    expect(completed?.watermarks).toHaveLength(11);
    // Fern is loaded, but stamped within the margin of the clock: the watermark stays below it until the clock passes.
    const design = completed?.watermarks.find((entry) => entry.table === 'design')?.watermark;
    expect(design?.lastUpdated.localeCompare(clock[0]?.cap ?? '')).toBeLessThanOrEqual(0);
    expect(design?.lastUpdated.localeCompare(rows[0]?.last_updated ?? '')).toBe(-1);
    const { rows: fern } = await t.warehouse.query('SELECT 1 FROM dim_design WHERE design_id = $1', [
      rows[0]?.design_id,
    ]);
    expect(fern).toHaveLength(1);
  });

  it('loads a row committed late, by a transaction older than the watermark', async () => {
    const slow = await t.source.connect();
    await slow.query('BEGIN');
    await slow.query(
      `INSERT INTO design (design_name, file_location, file_name) VALUES ('Slow', '/designs', 'slow.png')`,
    );
    await t.source.query(
      `INSERT INTO design (design_name, file_location, file_name) VALUES ('Quick', '/designs', 'quick.png')`,
    );
    await t.runOnce();
    await slow.query('COMMIT');
    slow.release();
    const runId = await t.runOnce();
    const { rows } = await t.warehouse.query(
      `SELECT design_name FROM dim_design WHERE design_name IN ('Slow', 'Quick') ORDER BY 1`,
    );
    expect(rows).toEqual([{ design_name: 'Quick' }, { design_name: 'Slow' }]);
    expect(t.tracker.summary(runId, 0).tablesChanged).toEqual([{ table: 'design', rows: 1 }]);
  });

  it('holds a fact back until the dimension rows it references are loaded', async () => {
    const fact = findModel('fact_sales_order');
    if (fact?.kind !== 'fact') throw new Error('fact_sales_order is not declared');
    const { rows: source } = await t.source.query<Row>(
      `SELECT sales_order_id, to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS created_at,
              to_char(last_updated, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS last_updated, design_id, staff_id, counterparty_id,
              units_sold, unit_price::text, currency_id, agreed_delivery_date, agreed_payment_date, agreed_delivery_location_id
       FROM sales_order WHERE sales_order_id = 1`,
    );
    // A new version of order 1, on a day dim_date already holds, for a design the warehouse has not seen.
    const createdDay = String(source[0]?.created_at).slice(0, 10);
    const version = { ...source[0], design_id: 9999, last_updated: `${createdDay}T23:59:59.999` } as Row;
    const lake = createLake(t.config.lakeUrl);
    const object = await lake.writeDataset('processed/test/early-fact', processedColumnsOf(fact), [
      [deriveFactRow(fact, version)],
    ]);
    const built: ModelBuilt = {
      ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
      type: 'model.built',
      model: fact.name,
      kind: 'fact',
      table: 'sales_order',
      object,
    };
    const sns = new SNSClient({
      endpoint: t.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await sns.send(
      new PublishCommand({ TopicArn: t.platform.endpoints.topics.built, Message: JSON.stringify(built) }),
    );
    // The loader waits a moment for the dimension row, then puts the message back.
    const deferred = () =>
      t.logLines.some((line) => line.includes('message deferred') && line.includes('dim_design 9999'));
    for (let waited = 0; !deferred() && waited < 10_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const early = await t.warehouse.query('SELECT 1 FROM fact_sales_order WHERE design_id = 9999');
    expect(early.rowCount).toBe(0);
    expect(deferred()).toBe(true);
    await t.warehouse.query(
      `INSERT INTO dim_design (design_id, design_name, file_location, file_name, _source_version) VALUES (9999, 'Late', '/d', 'late.png', '')`,
    );
    await waitForDrain(t.platform, { timeoutMs: 30_000 });
    const loaded = await t.warehouse.query('SELECT 1 FROM fact_sales_order WHERE design_id = 9999');
    expect(loaded.rowCount).toBe(1);
  });

  it('follows a run across the services by its runId in the logs', () => {
    const services = new Set(
      t.logLines
        .map((line) => JSON.parse(line) as { runId?: string; service?: string })
        .filter((line) => line.runId === firstRun)
        .map((line) => line.service),
    );
    expect([...services].sort()).toEqual([
      'change-detector',
      'dimension-builder',
      'fact-builder',
      'table-extractor',
      'warehouse-loader',
    ]);
  });
});

import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type ModelBuilt, newEnvelope } from '@totes/contracts';
import { findModel, processedColumnsOf, sourceVersionColumn, warehouseModels } from '@totes/model';
import { createLake } from '@totes/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters, replayDeadLetters } from '../src/ops/dead-letters';
import { findStageQueues, pickQueue } from '../src/ops/queues';
import { waitForDrain } from '../src/wait-for-drain';
import { startTestPlatform, type TestPlatform } from './harness';
import { pointTotesAt, totes, totesWhere } from './totes-command';

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('timed out waiting');
}

describe('operating the platform: dead letters, replay and status', () => {
  let t: TestPlatform;
  let undoTotes: () => Promise<void>;
  let sqs: SQSClient;
  let sns: SNSClient;

  /** A built message for dim_design whose processed part is not in the lake: it fails every time. */
  function poisonFor(model: 'dim_design' | 'dim_location', key: string): ModelBuilt {
    return {
      ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
      type: 'model.built',
      model,
      kind: 'dimension',
      table: model === 'dim_design' ? 'design' : 'address',
      object: { key, parts: [`${key}/part-00000.parquet`], rows: 1, bytes: 100 },
    };
  }

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01, visibilityTimeoutSeconds: 1 });
    await t.runOnce();
    undoTotes = await pointTotesAt(t);
    const client = {
      endpoint: t.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    };
    sqs = new SQSClient(client);
    sns = new SNSClient(client);
  });
  afterAll(async () => {
    await undoTotes?.();
    sqs?.destroy();
    sns?.destroy();
    await t?.dispose();
  });

  it('verifies the warehouse of the platform running on this machine, without booting a second stack', async () => {
    const sourceDesigns = await t.source.query('SELECT count(*)::int AS n FROM design');

    const verified = await totes('verify');

    expect(verified.code).toBe(0);
    expect(verified.out).toContain(`${sourceDesigns.rows[0].n} source rows`);
    expect(verified.out).toMatch(/all \d+ checks passed/);
  });

  it('dead-letters a poison message after five attempts with its reason, and loads it once after the fix and a replay', async () => {
    const poison = poisonFor('dim_design', 'processed/test/poison');
    await sns.send(
      new PublishCommand({ TopicArn: t.platform.endpoints.topics.built, Message: JSON.stringify(poison) }),
    );
    const loader = pickQueue(await findStageQueues(sqs, t.config.stage), 'warehouse-loader-dlq');
    const [letter] = await waitFor(async () => {
      const letters = await listDeadLetters(sqs, loader);
      return letters.length > 0 ? letters : undefined;
    });
    expect(letter?.summary).toMatchObject({ type: 'model.built', model: 'dim_design' });
    expect(letter?.reason).toMatchObject({
      errorCode: 'LAKE_OBJECT_NOT_FOUND',
      service: 'warehouse-loader',
      attempts: 5,
    });
    // What `pnpm start` watches to say a dead-letter queue grew.
    expect(await t.platform.deadLetterDepths()).toMatchObject({ 'warehouse-loader-dlq': 1 });

    const shown = await totes('dlq', 'show', 'warehouse-loader-dlq');
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(
      'LakeObjectNotFoundError LAKE_OBJECT_NOT_FOUND in warehouse-loader after 5 attempt(s)',
    );
    expect(shown.out).toContain(poison.id);

    const design = findModel('dim_design');
    if (!design) throw new Error('dim_design is not declared');
    const row = {
      design_id: 7777,
      design_name: 'Fixed',
      file_location: '/d',
      file_name: 'f.png',
      [sourceVersionColumn]: '2026-01-01T00:00:00.000',
    };
    await createLake(t.config.lakeUrl).writeDataset('processed/test/poison', processedColumnsOf(design), [
      [row],
    ]);
    const replayed = await totes('dlq', 'replay', 'warehouse-loader-dlq');
    expect(replayed.out).toContain('moved 1 message(s)');
    await waitForDrain(t.platform, { timeoutMs: 30_000 });
    await totes('dlq', 'replay', 'warehouse-loader-dlq');
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: t.platform.endpoints.queues['warehouse-loader']?.url,
        MessageBody: JSON.stringify(poison),
      }),
    );
    await waitForDrain(t.platform, { timeoutMs: 30_000 });

    const { rows } = await t.warehouse.query('SELECT design_name FROM dim_design WHERE design_id = 7777');
    expect(rows).toEqual([{ design_name: 'Fixed' }]);
    const ledger = await t.warehouse.query(
      'SELECT count(*)::int AS n FROM totes.load_ledger WHERE message_id = $1',
      [poison.id],
    );
    expect(ledger.rows).toEqual([{ n: 1 }]);
    expect(await listDeadLetters(sqs, loader)).toEqual([]);
    expect(await t.platform.deadLetterDepths()).toMatchObject({ 'warehouse-loader-dlq': 0 });
  });

  it('replays only the dead letters that match the filter', async () => {
    const loader = pickQueue(await findStageQueues(sqs, t.config.stage), 'warehouse-loader');
    for (const message of [
      poisonFor('dim_design', 'processed/test/a'),
      poisonFor('dim_location', 'processed/test/b'),
    ]) {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: loader.deadLetterUrl, MessageBody: JSON.stringify(message) }),
      );
    }
    const dryRun = await replayDeadLetters(sqs, loader, {
      filter: { model: 'dim_location' },
      dryRun: true,
      limit: 10,
    });
    expect(dryRun.moved.map((letter) => letter.summary.model)).toEqual(['dim_location']);
    expect(await listDeadLetters(sqs, loader)).toHaveLength(2);

    const { code, out } = await totes(
      'dlq',
      'replay',
      'warehouse-loader-dlq',
      '--filter',
      'model=dim_location',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ skipped: 1, dryRun: false });
    const left = await listDeadLetters(sqs, loader);
    expect(left.map((letter) => letter.summary.model)).toEqual(['dim_design']);
    await totes('dlq', 'purge', 'warehouse-loader-dlq', '--yes');
    await waitFor(async () => ((await listDeadLetters(sqs, loader)).length === 0 ? true : undefined));
  });

  it('reports a source table it cannot read as an alert, and still reports the other tables', async () => {
    await t.source.query('ALTER TABLE payment_type RENAME TO payment_type_away');
    let report: { code: number; out: string };
    try {
      report = await totes('status', '--json', '--max-lag', '300', '--max-dlq', '10');
    } finally {
      await t.source.query('ALTER TABLE payment_type_away RENAME TO payment_type');
    }
    const parsed = JSON.parse(report.out);
    const row = (name: string) => parsed.tables.find((table: { table: string }) => table.table === name);

    expect(row('payment_type')).toMatchObject({
      pendingRows: null,
      lagSeconds: null,
      sourceError: expect.stringContaining('does not exist'),
    });
    expect(row('currency')).toMatchObject({ pendingRows: 0, lagSeconds: 0, sourceError: null });
    expect(parsed.alerts).toEqual([expect.stringMatching(/^payment_type cannot be read from the source: /)]);
    expect(report.code).toBe(1);
  });

  it('reports a source and then a warehouse it cannot reach as alerts, and still shows every queue', async () => {
    const unreachable = (database: string) => `postgres://nobody:secret-pw@127.0.0.1:1/${database}`;
    const statusWith = async (variable: string, url: string) => {
      process.env[variable] = url;
      try {
        return await totes('status', '--json', '--max-lag', '300', '--max-dlq', '10');
      } finally {
        delete process.env[variable];
      }
    };

    const noSource = await statusWith('TOTES_SOURCE_URL', unreachable('totesys'));
    const noWarehouse = await statusWith('TOTES_WAREHOUSE_URL', unreachable('warehouse'));

    const sourceReport = JSON.parse(noSource.out);
    expect(sourceReport.tables).toHaveLength(11);
    for (const table of sourceReport.tables) expect(table.sourceError).toMatch(/ECONNREFUSED/);
    expect(sourceReport.alerts).toHaveLength(11);
    expect(sourceReport.queues).toHaveLength(13);
    expect(noSource.code).toBe(1);
    const warehouseReport = JSON.parse(noWarehouse.out);
    expect(warehouseReport).toMatchObject({ tables: null, models: null });
    expect(warehouseReport.alerts).toEqual([
      expect.stringMatching(/^the warehouse cannot be read: .*ECONNREFUSED/),
    ]);
    expect(warehouseReport.queues).toHaveLength(13);
    expect(noWarehouse.code).toBe(1);
    expect(noSource.out + noWarehouse.out).not.toContain('secret-pw');
  });

  it('reports queues it cannot find or reach as unavailable in status --json, with an alert, and still every table and model', async () => {
    const noQueues = await totesWhere(
      { stage: 'gone' },
      'status',
      '--json',
      '--max-lag',
      '300',
      '--max-dlq',
      '10',
    );
    const noEndpoint = await totesWhere(
      { awsEndpoint: 'http://127.0.0.1:1' },
      'status',
      '--json',
      '--max-lag',
      '300',
      '--max-dlq',
      '10',
    );

    for (const [report, why] of [
      [noQueues, /^queue totes-gone-\S+ does not exist: is the platform running/],
      [noEndpoint, /^queue totes-test-\S+ cannot be reached: .*is the platform running/],
    ] as const) {
      const parsed = JSON.parse(report.out);
      expect(parsed.queues).toBeNull();
      expect(parsed.queuesError).toMatch(why);
      expect(parsed.alerts).toEqual([`the queues cannot be read: ${parsed.queuesError}`]);
      expect(parsed.tables).toHaveLength(11);
      for (const table of parsed.tables) expect(table).toMatchObject({ pendingRows: 0, sourceError: null });
      expect(parsed.models.map((model: { model: string }) => model.model)).toEqual(
        warehouseModels.map((model) => model.name),
      );
      expect(parsed.models.find((model: { model: string }) => model.model === 'dim_design')).toMatchObject({
        lastLoadedAt: expect.any(String),
        lastCause: { table: 'design', runId: expect.any(String) },
      });
      expect(report.code).toBe(1);
    }
  });

  it('says in the status a person reads that the queues cannot be read, beside the tables', async () => {
    const { code, out } = await totesWhere({ stage: 'gone' }, 'status', '--max-dlq', '10');

    expect(out).toMatch(/^ {2}CANNOT READ THE QUEUES: queue totes-gone-\S+ does not exist/m);
    expect(out).toMatch(/^ {2}design /m);
    expect(out).toMatch(/^ALERT: the queues cannot be read: /m);
    expect(code).toBe(1);
  });

  it('lists the dead-letter queues in dlq list --json, and says so in a document when it cannot read them', async () => {
    const listed = await totes('dlq', 'list', '--json');
    const unreachable = await totesWhere({ stage: 'gone' }, 'dlq', 'list', '--json');
    const human = await totesWhere({ stage: 'gone' }, 'dlq', 'list');

    expect(JSON.parse(listed.out)).toMatchObject({ stage: 'test', queues: expect.any(Array) });
    expect(JSON.parse(listed.out).queues).toHaveLength(13);
    expect(listed.code).toBe(0);
    expect(JSON.parse(unreachable.out)).toEqual({
      stage: 'gone',
      queues: null,
      queuesError: expect.stringMatching(/^queue totes-gone-\S+ does not exist/),
    });
    expect(unreachable.code).toBe(1);
    expect(human.out).toMatch(/CANNOT READ THE QUEUES: queue totes-gone-\S+ does not exist/);
    expect(human.code).toBe(1);
  });

  it('lists and shows the inbox events dead-letter queue where the stage has one, as on AWS', async () => {
    // The local stack has no inbox events queue (fauxqs has no bucket notifications): made here as AWS has it.
    const urls: string[] = [];
    for (const name of ['inbox-events', 'inbox-events-dlq']) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `totes-test-${name}` }));
      urls.push(QueueUrl!);
    }
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: urls[1], MessageBody: '{"not":"an S3 event"}' }));

      const listed = JSON.parse((await totes('dlq', 'list', '--json')).out);
      const shown = await totes('dlq', 'show', 'inbox-events-dlq');

      expect(listed.queues).toHaveLength(14);
      expect(listed.queues).toContainEqual(expect.objectContaining({ queue: 'inbox-events-dlq', depth: 1 }));
      expect(shown.code).toBe(0);
      expect(shown.out).toContain('an S3 event');
    } finally {
      for (const url of urls) await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    }
  });

  it('reports a lag created on purpose in status --json, and exits non-zero past the threshold', async () => {
    await waitForDrain(t.platform, { timeoutMs: 30_000 }).catch(() => {});
    const calm = await totes('status', '--json', '--max-lag', '300', '--max-dlq', '10');
    expect(
      JSON.parse(calm.out).tables.find((table: { table: string }) => table.table === 'currency'),
    ).toMatchObject({ pendingRows: 0, lagSeconds: 0 });
    expect(calm.code).toBe(0);

    await t.source.query(
      `UPDATE currency SET last_updated = localtimestamp - interval '10 minutes' WHERE currency_id = 1`,
    );
    const behind = await totes('status', '--json', '--max-lag', '300', '--max-dlq', '10');
    const currency = JSON.parse(behind.out).tables.find(
      (table: { table: string }) => table.table === 'currency',
    );
    expect(currency.pendingRows).toBe(1);
    expect(currency.lagSeconds).toBeGreaterThanOrEqual(599);
    expect(JSON.parse(behind.out).alerts).toEqual([expect.stringMatching(/^currency is \d+ s behind/)]);
    expect(behind.code).toBe(1);

    await t.runOnce();
    const caughtUp = await totes('status', '--json', '--max-lag', '300', '--max-dlq', '10');
    expect(caughtUp.code).toBe(0);
  });
});

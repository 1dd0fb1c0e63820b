import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MessageType, newEnvelope } from '@totes/contracts';
import { modelsDependingOn, sourceTables } from '@totes/model';
import { verifyWarehouse } from '@totes/verify';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

/** Passwords this file chooses, so it can look for them in everything the platform writes. */
const superuserPassword = `super-${crypto.randomUUID()}`;
const readerPassword = `reader-${crypto.randomUUID()}`;

/** Copies everything written to a stream, and still writes it. */
function tee(stream: NodeJS.WriteStream, into: string[]): MockInstance {
  const write = stream.write.bind(stream);
  return vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    into.push(String(chunk));
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write);
}

describe('dependency precision: a change rebuilds exactly the models that declare its table', () => {
  let t: TestPlatform;
  const printed: string[] = [];
  let streams: MockInstance[] = [];

  beforeAll(async () => {
    streams = [tee(process.stdout, printed), tee(process.stderr, printed)];
    // Read totesys as a role with SELECT only: the platform never needs more of the source.
    t = await startTestPlatform({
      scale: 0.01,
      selectOnlySource: true,
      postgresPassword: superuserPassword,
      readerPassword,
      logLevel: 'debug',
    });
    await t.runOnce();
  });
  afterAll(async () => {
    for (const stream of streams) stream.mockRestore();
    await t?.dispose();
  });

  it('reads the source through a role that may only SELECT, and never writes to it', async () => {
    expect(new URL(t.config.sourceUrl).username).toBe('totes_reader');
    const { rows } = await t.source.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.table_privileges
       WHERE grantee = 'totes_reader' AND privilege_type <> 'SELECT'`,
    );
    expect(rows).toEqual([{ n: 0 }]);
    expect(await t.warehouse.query('SELECT count(*)::int AS n FROM fact_sales_order')).toMatchObject({
      rows: [{ n: expect.any(Number) }],
    });
    const { rows: loaded } = await t.warehouse.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM fact_sales_order',
    );
    const { rows: source } = await t.source.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sales_order',
    );
    expect(loaded).toEqual(source);
  });

  it('loads the whole warehouse on the first run through that role, as verify reconciles it', async () => {
    const report = await verifyWarehouse({
      source: t.source,
      warehouse: t.warehouse,
      warehouseSchema: t.config.warehouseSchema,
    });

    expect(
      report.checks.filter((check) => !check.ok).map((check) => `${check.table}: ${check.name}`),
    ).toEqual([]);
  });

  it.each(sourceTables.map((table) => [table.name, table.primaryKey] as const))(
    'a change to %s rebuilds and loads only the models that depend on it',
    async (table, key) => {
      await t.source.query(
        `UPDATE "${table}" SET last_updated = now() WHERE "${key}" = (SELECT min("${key}") FROM "${table}")`,
      );
      const runId = await t.runOnce();
      const summary = t.tracker.summary(runId, 0);
      const declared = modelsDependingOn(table)
        .map((model) => model.name)
        .sort();
      expect(summary.tablesChanged.map((change) => change.table)).toEqual([table]);
      expect(summary.modelsBuilt).toEqual(declared);
      expect(summary.completed?.models).toEqual(declared);
      expect(summary.loads).toBe(declared.length);
    },
  );

  it('never writes a configured password to any log line or output stream, through every run and a dead letter', async () => {
    const sqs = new SQSClient({
      endpoint: t.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const built = {
      ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
      type: MessageType.modelBuilt,
      model: 'dim_nothing',
      kind: 'dimension',
      table: 'design',
      object: { key: 'processed/x', parts: ['processed/x/part-00000.parquet'], rows: 1, bytes: 1 },
    };
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: t.platform.endpoints.queues['warehouse-loader']?.url,
        MessageBody: JSON.stringify(built),
      }),
    );
    const deadline = Date.now() + 20_000;
    while ((await t.platform.queueDepths()).deadLettered === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    sqs.destroy();

    const everything = [...t.logLines, ...printed];

    expect(t.config.sourceUrl).toContain(readerPassword);
    expect(t.config.warehouseUrl).toContain(superuserPassword);
    expect(t.logLines.some((line) => line.includes('moved to the dead-letter queue'))).toBe(true);
    expect(t.logLines.length).toBeGreaterThan(100);
    expect(everything.filter((line) => line.includes(readerPassword))).toEqual([]);
    expect(everything.filter((line) => line.includes(superuserPassword))).toEqual([]);
  });
});

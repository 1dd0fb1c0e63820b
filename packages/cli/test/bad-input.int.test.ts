import { type Message, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  type LakeObject,
  MessageType,
  type ModelBuilt,
  maxBodyBytes,
  newEnvelope,
  type TableChanged,
  type TableExtracted,
} from '@totes/contracts';
import { findModel, findSourceTable, processedColumnsOf } from '@totes/model';
import { createLake } from '@totes/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

/** Probes until `done` holds or 20 s pass, and returns the last probe either way, for the test to assert on. */
async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await probe();
  }
  return value;
}

/** The queues a bad message is sent to: one per message type the services consume. */
const Queue = {
  extractor: 'table-extractor',
  dimension: 'build-dim-design',
  fact: 'build-fact-sales-order',
  loader: 'warehouse-loader',
} as const;
type Queue = (typeof Queue)[keyof typeof Queue];

const window = { after: null, rereadFrom: null, upTo: '2024-11-15T09:30:00.123' } as const;
const envelope = () => newEnvelope({ runId: crypto.randomUUID(), causationId: null });

function changed(table: string): TableChanged {
  return { ...envelope(), type: MessageType.tableChanged, table, window, rows: 1 };
}

function extracted(table: string, object: LakeObject): TableExtracted {
  return {
    ...envelope(),
    type: MessageType.tableExtracted,
    table,
    window,
    watermark: { lastUpdated: window.upTo, id: 1 },
    object,
  };
}

function built(model: string, kind: 'dimension' | 'fact', table: string, object: LakeObject): ModelBuilt {
  return { ...envelope(), type: MessageType.modelBuilt, model, kind, table, object };
}

const missing = (key: string): LakeObject => ({
  key,
  parts: [`${key}/part-00000.parquet`],
  rows: 1,
  bytes: 10,
});

/** Valid JSON of the right type, padded past the size any platform message can have. */
function oversized(message: object): string {
  return JSON.stringify({ ...message, padding: 'x'.repeat(maxBodyBytes) });
}

/** One bad message: where it goes, and how it must end up in the dead-letter queue. */
interface BadCase {
  readonly name: string;
  readonly queue: Queue;
  readonly body: string;
  readonly errorCode: string;
  /** 1: refused at once as permanently bad; 5: possibly transient, so retried until the queue's limit. */
  readonly attempts: 1 | 5;
  readonly reason: RegExp;
}

/** A body that is JSON of a message of `version` 2: the envelope the platform does not speak. */
const versionTwo = (message: object) => JSON.stringify({ ...message, version: 2 });

describe('bad input: every malformed message is dead-lettered with its reason, and good messages still flow', () => {
  let t: TestPlatform;
  let sqs: SQSClient;
  let cases: BadCase[];
  let letters: Map<string, Message>;
  /** Letters whose body had been dead-lettered already: a bad message dead-lettered twice. */
  const secondLetters = 0;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01, visibilityTimeoutSeconds: 1 });
    await t.runOnce();
    sqs = new SQSClient({
      endpoint: t.awsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    // Canary tables: a message that smuggled SQL in would drop them.
    await t.source.query('CREATE TABLE x (id integer)');
    await t.warehouse.query('CREATE TABLE x (id integer)');

    // Lake objects that exist, with the columns of something else.
    const lake = createLake(t.config.lakeUrl);
    const staff = findSourceTable('staff');
    const location = findModel('dim_location');
    if (!staff || !location) throw new Error('staff or dim_location is not declared');
    const wrongRaw = await lake.writeDataset('raw/test/wrong-schema', staff.columns, [
      [
        {
          staff_id: 1,
          created_at: '2024-11-15T09:00:00.000',
          first_name: 'A',
          last_name: 'B',
          department_id: 1,
          email_address: 'a@b',
          last_updated: '2024-11-15T09:00:00.000',
        },
      ],
    ]);
    const wrongProcessed = await lake.writeDataset(
      'processed/test/wrong-schema',
      processedColumnsOf(location),
      [
        [
          {
            location_id: 1,
            address_line_1: 'x',
            address_line_2: null,
            district: null,
            city: 'y',
            postal_code: 'p',
            country: 'z',
            phone: '1',
            _source_version: '',
          },
        ],
      ],
    );

    cases = [
      // table.changed → table-extractor
      {
        name: 'table.changed that is not JSON',
        queue: Queue.extractor,
        body: '{"type": "table.changed", "case": 1',
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /not JSON/,
      },
      {
        name: 'table.changed of version 2',
        queue: Queue.extractor,
        body: versionTwo(changed('staff')),
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /version 2 is not 1/,
      },
      {
        name: 'table.changed for a table the catalog does not know',
        queue: Queue.extractor,
        body: JSON.stringify(changed('no_such_table')),
        errorCode: 'UNKNOWN_TABLE',
        attempts: 1,
        reason: /"no_such_table" is not one of the totesys tables/,
      },
      {
        name: 'table.changed whose table name holds SQL',
        queue: Queue.extractor,
        body: JSON.stringify(changed('staff; DROP TABLE x')),
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /must be a lowercase identifier/,
      },
      {
        name: 'table.changed over 256 KiB',
        queue: Queue.extractor,
        body: oversized(changed('staff')),
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /larger than 262144 bytes/,
      },
      // table.extracted → dimension-builder and fact-builder
      {
        name: 'table.extracted that is not JSON',
        queue: Queue.dimension,
        body: '{"type": "table.extracted", "case": 2',
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /not JSON/,
      },
      {
        name: 'table.extracted of version 2',
        queue: Queue.fact,
        body: versionTwo(extracted('sales_order', missing('raw/test/v2'))),
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /version 2 is not 1/,
      },
      {
        name: 'table.extracted for a table the dimension does not depend on',
        queue: Queue.dimension,
        body: JSON.stringify(extracted('no_such_table', missing('raw/test/unknown'))),
        errorCode: 'NOT_A_DEPENDENCY',
        attempts: 1,
        reason: /dim_design does not depend on table "no_such_table"/,
      },
      {
        name: 'table.extracted for a table the fact is not built from',
        queue: Queue.fact,
        body: JSON.stringify(extracted('design', missing('raw/test/not-a-fact-source'))),
        errorCode: 'NOT_A_DEPENDENCY',
        attempts: 1,
        reason: /fact_sales_order is not built from table "design"/,
      },
      {
        name: 'table.extracted whose table name holds SQL',
        queue: Queue.dimension,
        body: JSON.stringify(extracted('design; DROP TABLE x', missing('raw/test/sql'))),
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /must be a lowercase identifier/,
      },
      {
        name: 'table.extracted whose lake object is missing',
        queue: Queue.dimension,
        body: JSON.stringify(extracted('design', missing('raw/test/missing'))),
        errorCode: 'LAKE_OBJECT_NOT_FOUND',
        attempts: 5,
        reason: /No object raw\/test\/missing\/part-00000.parquet/,
      },
      {
        name: 'table.extracted whose lake object has the wrong schema',
        queue: Queue.dimension,
        body: JSON.stringify(extracted('design', wrongRaw)),
        errorCode: 'LAKE_SCHEMA_MISMATCH',
        attempts: 5,
        reason: /has no column design_id/,
      },
      {
        name: 'table.extracted for a fact whose lake object is missing',
        queue: Queue.fact,
        body: JSON.stringify(extracted('sales_order', missing('raw/test/fact-missing'))),
        errorCode: 'LAKE_OBJECT_NOT_FOUND',
        attempts: 5,
        reason: /No object raw\/test\/fact-missing\/part-00000.parquet/,
      },
      {
        name: 'table.extracted for a fact whose lake object has the wrong schema',
        queue: Queue.fact,
        body: JSON.stringify(extracted('sales_order', wrongRaw)),
        errorCode: 'LAKE_SCHEMA_MISMATCH',
        attempts: 5,
        reason: /has no column/,
      },
      {
        name: 'table.extracted over 256 KiB',
        queue: Queue.fact,
        body: oversized(extracted('sales_order', missing('raw/test/big'))),
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /larger than 262144 bytes/,
      },
      // model.built → warehouse-loader
      {
        name: 'model.built that is not JSON',
        queue: Queue.loader,
        body: '{"type": "model.built", "case": 3',
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /not JSON/,
      },
      {
        name: 'model.built of version 2',
        queue: Queue.loader,
        body: versionTwo(built('dim_design', 'dimension', 'design', missing('processed/test/v2'))),
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /version 2 is not 1/,
      },
      {
        name: 'model.built for a model the warehouse does not declare',
        queue: Queue.loader,
        body: JSON.stringify(built('dim_nothing', 'dimension', 'design', missing('processed/test/unknown'))),
        errorCode: 'UNKNOWN_MODEL',
        attempts: 1,
        reason: /"dim_nothing" is not a warehouse model/,
      },
      {
        name: 'model.built whose model name holds SQL',
        queue: Queue.loader,
        body: JSON.stringify(
          built('dim_design; DROP TABLE x', 'dimension', 'design', missing('processed/test/sql')),
        ),
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /must be a lowercase identifier/,
      },
      {
        name: 'model.built whose lake object is missing',
        queue: Queue.loader,
        body: JSON.stringify(built('dim_design', 'dimension', 'design', missing('processed/test/missing'))),
        errorCode: 'LAKE_OBJECT_NOT_FOUND',
        attempts: 5,
        reason: /No object processed\/test\/missing\/part-00000.parquet/,
      },
      {
        name: 'model.built whose lake object has the wrong schema',
        queue: Queue.loader,
        body: JSON.stringify(built('dim_design', 'dimension', 'design', wrongProcessed)),
        errorCode: 'LAKE_SCHEMA_MISMATCH',
        attempts: 5,
        reason: /has no column design_id/,
      },
      {
        name: 'model.built of a fact whose lake object is missing',
        queue: Queue.loader,
        body: JSON.stringify(
          built('fact_sales_order', 'fact', 'sales_order', missing('processed/test/fact-missing')),
        ),
        errorCode: 'LAKE_OBJECT_NOT_FOUND',
        attempts: 5,
        reason: /No object processed\/test\/fact-missing\/part-00000.parquet/,
      },
      {
        name: 'model.built over 256 KiB',
        queue: Queue.loader,
        body: oversized(built('dim_design', 'dimension', 'design', missing('processed/test/big'))),
        errorCode: 'MESSAGE_REJECTED',
        attempts: 1,
        reason: /larger than 262144 bytes/,
      },
    ];
    for (const bad of cases) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueOf(bad.queue).url, MessageBody: bad.body }));
    }

    // Good changes go through every service while the bad messages are still being refused and retried.
    await t.source.query(
      `UPDATE design SET design_name = 'Despite the noise', last_updated = now() WHERE design_id = 1`,
    );
    await t.source.query(
      `UPDATE sales_order SET units_sold = 4242, last_updated = now() WHERE sales_order_id = 1`,
    );
    await t.platform.detectOnce();

    letters = await collectDeadLetters(cases.length);
  });
  afterAll(async () => {
    sqs?.destroy();
    await t?.dispose();
  });

  function queueOf(name: Queue) {
    const queue = t.platform.endpoints.queues[name];
    if (!queue) throw new Error(`no queue ${name}`);
    return queue;
  }

  /**
   * Reads every dead-letter queue until `expected` letters have arrived, and once more a few visibility timeouts
   * later, so a letter beyond the expected ones is counted too; keyed by body.
   */
  async function collectDeadLetters(expected: number): Promise<Map<string, Message>> {
    const found = new Map<string, Message>();
    const deadline = Date.now() + 40_000;
    while (found.size < expected && Date.now() < deadline) {
      await sweepDeadLetters(found);
      if (found.size < expected) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await sweepDeadLetters(found);
    return found;
  }

  async function sweepDeadLetters(found: Map<string, Message>): Promise<void> {
    for (const name of Object.values(Queue)) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueOf(name).deadLetterUrl,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          VisibilityTimeout: 600,
          WaitTimeSeconds: 0,
        }),
      );
      for (const message of Messages) found.set(message.Body ?? '', message);
    }
  }

  it('dead-letters exactly the bad messages, one letter each', () => {
    expect(letters.size).toBe(cases.length);
    expect(secondLetters).toBe(0);
  });

  it.each([
    'table.changed that is not JSON',
    'table.changed of version 2',
    'table.changed for a table the catalog does not know',
    'table.changed whose table name holds SQL',
    'table.changed over 256 KiB',
    'table.extracted that is not JSON',
    'table.extracted of version 2',
    'table.extracted for a table the dimension does not depend on',
    'table.extracted for a table the fact is not built from',
    'table.extracted whose table name holds SQL',
    'table.extracted whose lake object is missing',
    'table.extracted whose lake object has the wrong schema',
    'table.extracted for a fact whose lake object is missing',
    'table.extracted for a fact whose lake object has the wrong schema',
    'table.extracted over 256 KiB',
    'model.built that is not JSON',
    'model.built of version 2',
    'model.built for a model the warehouse does not declare',
    'model.built whose model name holds SQL',
    'model.built whose lake object is missing',
    'model.built whose lake object has the wrong schema',
    'model.built of a fact whose lake object is missing',
    'model.built over 256 KiB',
  ])('dead-letters a %s with its reason, after the attempts its kind of failure deserves', (name) => {
    const bad = cases.find((candidate) => candidate.name === name);
    if (!bad) throw new Error(`no case named ${name}`);

    const letter = letters.get(bad.body);

    expect(letter, `no dead letter for ${name}`).toBeDefined();
    expect(letter?.MessageAttributes?.['totes-error-code']?.StringValue).toBe(bad.errorCode);
    const reason = JSON.parse(letter?.MessageAttributes?.['totes-failure']?.StringValue ?? '{}');
    expect(reason).toMatchObject({ errorCode: bad.errorCode, attempts: bad.attempts });
    expect(reason.errorMessage).toMatch(bad.reason);
  });

  it('still loads the good changes sent alongside the bad messages', async () => {
    const latest = async () => ({
      designs: (await t.warehouse.query('SELECT design_name FROM dim_design WHERE design_id = 1')).rows,
      orders: (
        await t.warehouse.query(
          'SELECT units_sold FROM fact_sales_order WHERE sales_order_id = 1 ORDER BY sales_record_id DESC LIMIT 1',
        )
      ).rows,
    });

    const found = await eventually(
      latest,
      (now) => now.orders[0]?.units_sold === 4242 && now.designs[0]?.design_name === 'Despite the noise',
    );

    expect(found.designs).toEqual([{ design_name: 'Despite the noise' }]);
    expect(found.orders).toEqual([{ units_sold: 4242 }]);
  });

  it('keeps every worker running: a later change is loaded too', async () => {
    await t.source.query(
      `UPDATE design SET design_name = 'After the noise', last_updated = now() WHERE design_id = 2`,
    );

    await t.runOnce();

    const { rows } = await t.warehouse.query('SELECT design_name FROM dim_design WHERE design_id = 2');
    expect(rows).toEqual([{ design_name: 'After the noise' }]);
  });

  it('runs no SQL from a message: the canary tables survive and no SQL error is logged', async () => {
    const source = await t.source.query(`SELECT to_regclass('public.x') IS NOT NULL AS present`);
    const warehouse = await t.warehouse.query(`SELECT to_regclass('public.x') IS NOT NULL AS present`);

    expect(source.rows).toEqual([{ present: true }]);
    expect(warehouse.rows).toEqual([{ present: true }]);
    expect(t.logLines.filter((line) => /syntax error|"code":"42/.test(line))).toEqual([]);
  });
});

import { gzipSync } from 'node:zlib';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createLambdaRuntime, type LambdaRuntimeOptions } from '@totes/aws-entry';
import { sqsRecord } from '@totes/aws-entry/testing';
import { ChangeKind, type FileChanged, MessageType, newEnvelope } from '@totes/contracts';
import { type LocalAws, startLocalAws, startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { findSourceTable, platformTopology, type Row, ServiceName, TopicName } from '@totes/model';
import {
  type AwsClients,
  createAwsClients,
  createInboxLedger,
  createLake,
  createLogger,
  createPool,
  createRunLedger,
  FailureAttribute,
  inboxRawKey,
  migrateState,
  provisionTopology,
  type TopologyEndpoints,
} from '@totes/runtime';
import { seedTotesys } from '@totes/totesys';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractorHandler } from '../src/lambda';
import { looseParquet } from '../src/testing';

// The extractor's Lambda entry given an inbox on S3 (fauxqs), as infra/services.ts deploys it: a file the detector
// claimed is streamed from the inbox bucket (a Parquet file through the function's /tmp), written to the raw zone
// on S3 and announced, and the ledger records it loaded.
const stage = 'lambdainbox';
const inboxBucket = 'totes-lambdainbox-inbox-000000000000';
const lakeBucket = 'totes-lambdainbox-raw-000000000000';
const secretArnOf = (name: string) =>
  `arn:aws:secretsmanager:us-east-1:000000000000:secret:totes-dev-${name}-AbCdEf`;
const stateSchema = 'totes_lambdainbox_state';

let postgres: TestPostgres;
let localAws: LocalAws;
let clients: AwsClients;
let endpoints: TopologyEndpoints;
let warehouse: pg.Pool;
let source: pg.Pool;
let handler: (event: SQSEvent) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  [postgres, localAws] = await Promise.all([startTestPostgres(), startLocalAws()]);
  await Promise.all([postgres.ensureDatabase('totesys'), postgres.ensureDatabase('warehouse')]);
  await seedTotesys(postgres.url('totesys'), { seed: 7, scale: 0.01 });
  localAws.createBucket(inboxBucket);
  localAws.createBucket(lakeBucket);
  clients = createAwsClients({ region: 'us-east-1', endpoint: localAws.endpoint });
  endpoints = await provisionTopology({
    sns: clients.sns,
    sqs: clients.sqs,
    stage,
    topology: platformTopology(),
  });
  warehouse = createPool(postgres.url('warehouse'));
  source = createPool(postgres.url('totesys'));
  await migrateState(warehouse, stateSchema);
  const urls: Record<string, string> = {
    [secretArnOf('source')]: postgres.url('totesys'),
    [secretArnOf('warehouse')]: postgres.url('warehouse'),
  };
  handler = createExtractorHandler(
    createLambdaRuntime({
      service: ServiceName.tableExtractor,
      env: stageEnv({
        TOTES_SOURCE_SECRET_ARN: secretArnOf('source'),
        TOTES_SOURCE_LOCATION: 'postgres://totesys.internal:5432/totesys',
        // The stage's override of the model's policy for one table (the model's: fail at the first bad row).
        TOTES_INBOX_POLICY: 'design=skip:50%',
      }),
      secrets: {
        read: async (id) => {
          const url = urls[id];
          if (!url) throw new Error(`no secret ${id}`);
          return JSON.stringify({ url });
        },
      },
      awsEndpoint: localAws.endpoint,
      logger: createLogger({}, { write: () => {} }),
    }),
  );
});

/** What infra/services.ts gives the extractor of this stage, with `extra` for its source and policies. */
function stageEnv(extra: Record<string, string>): Record<string, string | undefined> {
  return {
    AWS_REGION: 'us-east-1',
    TOTES_STAGE: stage,
    TOTES_WAREHOUSE_SCHEMA: 'totes_lambdainbox',
    TOTES_STATE_SCHEMA: stateSchema,
    TOTES_WAREHOUSE_SECRET_ARN: secretArnOf('warehouse'),
    TOTES_RAW_LAKE_URL: `s3://${lakeBucket}/${stage}`,
    TOTES_INBOX_URL: `s3://${inboxBucket}/inbox`,
    TOTES_TOPIC_EXTRACTED_ARN: endpoints.topics[TopicName.extracted],
    TOTES_TOPIC_LOAD_COMPLETE_ARN: endpoints.topics[TopicName.loadComplete],
    ...extra,
  };
}

afterAll(async () => {
  await Promise.all([warehouse?.end(), source?.end()]);
  await localAws?.stop();
  await postgres?.dispose();
});

async function drain(queueUrl: string, attributes?: string[]): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: attributes,
      }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

/** Puts a file into the inbox and claims it as the detector does; returns the claim's request. */
async function dropAndClaim(table: string, name: string, bytes: Uint8Array): Promise<FileChanged> {
  const key = `${table}/${name}`;
  await clients.s3.send(new PutObjectCommand({ Bucket: inboxBucket, Key: `inbox/${key}`, Body: bytes }));
  const listed = await clients.s3.send(
    new ListObjectsV2Command({ Bucket: inboxBucket, Prefix: `inbox/${key}` }),
  );
  const object = listed.Contents![0]!;
  const file = { key, version: object.ETag!, bytes: object.Size! };
  const request: FileChanged = {
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
    type: MessageType.tableChanged,
    kind: ChangeKind.file,
    table,
    file,
  };
  const ledger = createInboxLedger(warehouse, stateSchema);
  await ledger.discover([{ ...file, table }]);
  await ledger.claim(file, request.id, new Date(), 60_000);
  await createRunLedger(warehouse, stateSchema, [table]).startRun(request.runId, [table]);
  return request;
}

describe('the table-extractor Lambda entry with an inbox on S3', () => {
  it('reads a claimed gzipped JSON Lines and a Parquet file from the inbox bucket into the raw zone, and records them loaded', async () => {
    const { rows: designs } = await source.query<{ line: string }>(
      'SELECT row_to_json(design)::text AS line FROM design',
    );
    const { rows: currencies } = await source.query<Row>('SELECT * FROM currency');
    const jsonLines = designs.map((row) => `${row.line}\n`).join('');
    const jsonRequest = await dropAndClaim('design', 'designs.jsonl.gz', gzipSync(jsonLines));
    const parquetRequest = await dropAndClaim(
      'currency',
      'currencies.parquet',
      looseParquet(findSourceTable('currency')!, currencies),
    );

    const response = await handler({
      Records: [
        sqsRecord(endpointOf('table-extractor'), 'm1', JSON.stringify(jsonRequest)),
        sqsRecord(endpointOf('table-extractor'), 'm2', JSON.stringify(parquetRequest)),
      ],
    });
    const ledger = await createInboxLedger(warehouse, stateSchema).list();
    const lake = await clients.s3.send(
      new ListObjectsV2Command({ Bucket: lakeBucket, Prefix: `${stage}/raw/` }),
    );
    const extracted = endpoints.queues['build-dim-design']!.url;
    const announced = (await drain(extracted)).map((message) => JSON.parse(message.Body!));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(ledger.map((entry) => [entry.key, entry.state, entry.rowsLoaded]).sort()).toEqual([
      ['currency/currencies.parquet', 'loaded', currencies.length],
      ['design/designs.jsonl.gz', 'loaded', designs.length],
    ]);
    const keys = (lake.Contents ?? []).map((object) => object.Key!);
    expect(keys.some((key) => key.startsWith(`${stage}/raw/design/inbox/`))).toBe(true);
    expect(keys.some((key) => key.startsWith(`${stage}/raw/currency/inbox/`))).toBe(true);
    expect(announced).toEqual([
      expect.objectContaining({ type: MessageType.tableExtracted, kind: ChangeKind.file, table: 'design' }),
    ]);
  });

  it('applies the stage’s TOTES_INBOX_POLICY: a design file with one bad row of two loads its good row', async () => {
    const csv = [
      'design_id,created_at,design_name,file_location,file_name,last_updated',
      '910001,2024-01-01 00:00:00,Good,/d,good.json,2024-01-02 00:00:00',
      '910002,2024-01-01 00:00:00,Bad,/d,bad.json,yesterday',
    ].join('\n');
    const request = await dropAndClaim('design', 'half-bad.csv', new TextEncoder().encode(`${csv}\n`));

    const response = await handler({
      Records: [sqsRecord(endpointOf('table-extractor'), 'm3', JSON.stringify(request))],
    });
    const [entry] = await createInboxLedger(warehouse, stateSchema).versionsOf('design/half-bad.csv');

    expect(response).toEqual({ batchItemFailures: [] });
    expect([entry?.state, entry?.rowsLoaded, entry?.rowsRejected]).toEqual(['loaded', 1, 1]);
  });
});

describe('the table-extractor Lambda entry given a large file in pieces', () => {
  it('reads each byte range with its own message, resumes a piece a crash cut short, and announces the file once', async () => {
    const lines = await salesOrderLines();
    const { file, claim } = await dropAndClaimWhole('sales_order', 'orders.jsonl', lines);
    const pieces = thirdsOf(claim);
    const lake = createLake(`s3://${lakeBucket}/${stage}`, { s3Client: clients.s3 });
    const table = findSourceTable('sales_order')!;
    const pieceFolder = `${inboxRawKey('sales_order', file)}/piece-0001`;
    // A crash mid-piece left a part of the second piece behind, with rows of its own.
    const key = table.columns.filter((column) => column.name === table.primaryKey);
    const crashed = await lake.writeDataset(`${pieceFolder}-crashed`, key, [await firstRows(2)]);
    await lake.store.put(`${pieceFolder}/part-00099.parquet`, await lake.store.get(crashed.parts[0]!));

    const responses = [
      await deliver(pieces[2]!, 'p3'),
      await deliver(pieces[0]!, 'p1'),
      await deliver(pieces[1]!, 'p2'),
      await deliver(pieces[1]!, 'p2-again'),
    ];
    const [entry] = await createInboxLedger(warehouse, stateSchema).versionsOf(file.key);
    const announced = (await drain(endpoints.queues['build-fact-sales-order']!.url))
      .map((message) => JSON.parse(message.Body!))
      .filter((message) => message.table === 'sales_order');
    const rows = await lake.readAll(announced[0].object, table.columns);
    const leftovers = await lake.readAll({ parts: [`${pieceFolder}/part-00099.parquet`] }, key);

    expect(responses.map((response) => response.batchItemFailures)).toEqual([[], [], [], []]);
    expect([entry?.state, entry?.rowsLoaded]).toEqual(['loaded', lines.rows]);
    expect(announced).toHaveLength(1);
    expect(announced[0].object.parts.every((part: string) => part.includes('/piece-'))).toBe(true);
    expect(rows).toHaveLength(lines.rows);
    expect(new Set(rows.map((row) => row.sales_order_id)).size).toBe(lines.rows);
    expect(leftovers).toEqual([]);
  });
});

describe('the table-extractor Lambda entry of an inbox-only stage (TOTES_SOURCE_LOCATION=none)', () => {
  const asked: string[] = [];
  let inboxOnly: (event: SQSEvent) => Promise<SQSBatchResponse>;

  beforeAll(() => {
    // What infra/services.ts gives the extractor of an inbox-only stage: no source secret, the source `none`.
    const options: LambdaRuntimeOptions = {
      service: ServiceName.tableExtractor,
      env: stageEnv({ TOTES_SOURCE_LOCATION: 'none' }),
      secrets: {
        read: async (id) => {
          asked.push(id);
          if (id !== secretArnOf('warehouse')) throw new Error(`no secret ${id}`);
          return JSON.stringify({ url: postgres.url('warehouse') });
        },
      },
      awsEndpoint: localAws.endpoint,
      logger: createLogger({}, { write: () => {} }),
    };
    inboxOnly = createExtractorHandler(createLambdaRuntime(options));
  });

  it('reads a claimed file into the raw zone and announces it, never asking for a source', async () => {
    const csv = 'staff_id,first_name,last_name,department_id,email_address,created_at,last_updated\n';
    const row = '920001,Ada,Lovelace,1,ada@terrifictotes.com,2024-01-01 00:00:00,2024-01-02 00:00:00\n';
    const request = await dropAndClaim('staff', 'only.csv', new TextEncoder().encode(csv + row));

    const response = await inboxOnly({
      Records: [sqsRecord(endpointOf('table-extractor'), 'o1', JSON.stringify(request))],
    });
    const [entry] = await createInboxLedger(warehouse, stateSchema).versionsOf('staff/only.csv');
    const announced = (await drain(endpointOf('build-dim-staff').url)).map((message) =>
      JSON.parse(message.Body!),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect([entry?.state, entry?.rowsLoaded]).toEqual(['loaded', 1]);
    expect(announced).toEqual([
      expect.objectContaining({ type: MessageType.tableExtracted, kind: ChangeKind.file, table: 'staff' }),
    ]);
    expect(new Set(asked)).toEqual(new Set([secretArnOf('warehouse')]));
  });

  it('dead-letters a database window at once, saying the stage has no source database', async () => {
    const window = {
      ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
      type: MessageType.tableChanged,
      table: 'currency',
      window: { after: null, rereadFrom: null, upTo: '2024-11-15T09:30:00.123' },
      rows: 1,
    };

    const response = await inboxOnly({
      Records: [sqsRecord(endpointOf('table-extractor'), 'o2', JSON.stringify(window))],
    });
    const deadLettered = await drain(endpointOf('table-extractor').deadLetterUrl, ['All']);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLettered.map((message) => JSON.parse(message.Body!).id)).toEqual([window.id]);
    expect(
      JSON.parse(deadLettered[0]!.MessageAttributes![FailureAttribute.failure]!.StringValue!),
    ).toMatchObject({
      errorName: 'NoSourceDatabaseError',
      errorMessage:
        'this stage has no source database (TOTES_SOURCE_LOCATION=none): it reads its inbox alone',
    });
    expect(new Set(asked)).toEqual(new Set([secretArnOf('warehouse')]));
  });
});

describe('the table-extractor Lambda entry given a file replaced while its pieces are read', () => {
  it('quarantines the old version, saying it changed, and announces none of its pieces', async () => {
    const lines = await salesOrderLines();
    const { file, claim } = await dropAndClaimWhole('sales_order', 'replaced.jsonl', lines);
    const pieces = thirdsOf(claim);

    await deliver(pieces[0]!, 'r1');
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: inboxBucket,
        Key: `inbox/${file.key}`,
        Body: Buffer.concat([lines, lines]),
      }),
    );
    const responses = [await deliver(pieces[1]!, 'r2'), await deliver(pieces[2]!, 'r3')];
    const [entry] = await createInboxLedger(warehouse, stateSchema).versionsOf(file.key);
    const announced = (await drain(endpoints.queues['build-fact-sales-order']!.url))
      .map((message) => JSON.parse(message.Body!))
      .filter((message) => message.file?.key === file.key);

    expect(responses.map((response) => response.batchItemFailures)).toEqual([[], []]);
    expect(entry?.state).toBe('quarantined');
    expect(entry?.reason).toContain('changed while it was being read in pieces');
    expect(announced).toEqual([]);
  });
});

/** The sales orders of the test's totesys as JSON Lines, as row_to_json writes them, and their count. */
async function salesOrderLines(): Promise<Uint8Array & { rows: number }> {
  const { rows } = await source.query<{ line: string }>(
    'SELECT row_to_json(sales_order)::text AS line FROM sales_order ORDER BY sales_order_id',
  );
  return Object.assign(Buffer.from(rows.map((row) => `${row.line}\n`).join('')), { rows: rows.length });
}

/** The first `count` sales orders, as the raw zone holds them. */
async function firstRows(count: number): Promise<Row[]> {
  const { rows } = await source.query<{ sales_order_id: number }>(
    'SELECT sales_order_id FROM sales_order ORDER BY sales_order_id LIMIT $1',
    [count],
  );
  return rows.map((row) => ({ sales_order_id: row.sales_order_id }));
}

/** Puts a file into the inbox and claims it alone, as the detector claims a large file; returns it and the claim. */
async function dropAndClaimWhole(table: string, name: string, bytes: Uint8Array) {
  const claim = await dropAndClaim(table, name, bytes);
  return { file: claim.file, claim };
}

/** The claim of a file cut into three byte ranges, as the detector writes it: a message per range, one claim. */
function thirdsOf(claim: FileChanged): FileChanged[] {
  return thirds(claim.file.bytes).map((range, index) => ({
    ...(index === 0 ? claim : newEnvelope({ runId: claim.runId, causationId: null })),
    type: MessageType.tableChanged,
    kind: ChangeKind.file,
    table: claim.table,
    file: claim.file,
    pieces: [{ ...claim.file, range }],
    claim: claim.id,
  }));
}

/** One message delivered to the extractor's Lambda entry, as SQS hands it over. */
function deliver(message: FileChanged, id: string) {
  return handler({ Records: [sqsRecord(endpointOf('table-extractor'), id, JSON.stringify(message))] });
}

/** Three byte ranges that cover a file of `size` bytes. */
function thirds(size: number) {
  const step = Math.ceil(size / 3);
  return [0, 1, 2].map((index) => ({
    index,
    of: 3,
    start: index * step,
    end: Math.min(size, (index + 1) * step),
  }));
}

function endpointOf(queue: string) {
  return endpoints.queues[queue]!;
}

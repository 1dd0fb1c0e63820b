import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MessageType, newEnvelope } from '@totes/contracts';
import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { ServiceName } from '@totes/model';
import { createLogger, createPool } from '@totes/runtime';
import { mockClient } from 'aws-sdk-client-mock';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLambdaRuntime, createSqsHandler } from '../src/index';
import { queueEndpointOf, sqsRecord } from '../src/testing';

// A warehouse secret rotated while a container is warm: the role's password changes in a real PostgreSQL, and
// Secrets Manager (mocked: fauxqs has none) starts answering with the new one. The container's pool still holds
// the old password; its next new connection is refused (28P01).
const secretArn = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:totes-test-warehouse-AbCdEf';
const queue = queueEndpointOf('test', 'table-extractor');
const secrets = mockClient(SecretsManagerClient);
const sqs = mockClient(SQSClient);

let postgres: TestPostgres;
let admin: pg.Pool;
let password = 'first-password';

const urlWith = (secret: string) => {
  const url = new URL(postgres.url('postgres'));
  url.username = 'totes_rotating';
  url.password = secret;
  return url.toString();
};

async function rotate(to: string) {
  await admin.query(`ALTER ROLE totes_rotating PASSWORD '${to}'`);
  password = to;
  // The pool's idle connections end (as RDS and idle timeouts end them), so the next query needs a new login.
  await admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'totes_rotating'`,
  );
  for (;;) {
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'totes_rotating'`,
    );
    if (rows[0].n === 0) return;
  }
}

function loaderLike() {
  const runtime = createLambdaRuntime({
    service: ServiceName.tableExtractor,
    env: {
      AWS_REGION: 'eu-west-2',
      TOTES_STAGE: 'test',
      TOTES_WAREHOUSE_SCHEMA: 'totes_test',
      TOTES_STATE_SCHEMA: 'totes_test_state',
      TOTES_WAREHOUSE_SECRET_ARN: secretArn,
    },
    logger: createLogger({}, { write: () => {} }),
  });
  const handled: string[] = [];
  const handler = createSqsHandler(runtime, {
    accepts: [MessageType.tableChanged],
    async handle(message) {
      const pool = await runtime.warehousePool();
      await pool.query('SELECT 1');
      handled.push(message.id);
    },
  });
  return { handler, handled };
}

const changed = () => ({
  ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
  type: MessageType.tableChanged,
  table: 'currency',
  window: { after: null, rereadFrom: null, upTo: '2024-11-15T09:30:00.123' },
  rows: 1,
});

beforeAll(async () => {
  postgres = await startTestPostgres();
  admin = createPool(postgres.url('postgres'));
  await admin.query(`CREATE ROLE totes_rotating LOGIN PASSWORD '${password}'`);
});

afterAll(async () => {
  await admin?.end();
  await postgres?.dispose();
});

beforeEach(() => {
  secrets.reset();
  secrets
    .on(GetSecretValueCommand)
    .callsFake(async () => ({ SecretString: JSON.stringify({ url: urlWith(password) }) }));
  sqs.reset();
  sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: queue.url });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'sent' });
});

describe('a Lambda whose database secret is rotated mid-run', () => {
  it('re-reads the secret once, reconnects and handles the message, with no restart', async () => {
    const { handler, handled } = loaderLike();
    const first = changed();
    const second = changed();
    await handler({ Records: [sqsRecord(queue, 'm1', JSON.stringify(first))] });

    await rotate('second-password');
    const response = await handler({ Records: [sqsRecord(queue, 'm2', JSON.stringify(second))] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(handled).toEqual([first.id, second.id]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(sqs.commandCalls(SendMessageCommand)).toEqual([]);
  });

  it('re-reads it only once: a secret still refused reports the record for redelivery, not lost', async () => {
    const { handler, handled } = loaderLike();
    await handler({ Records: [sqsRecord(queue, 'm1', JSON.stringify(changed()))] });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: urlWith('stale') }) });

    await rotate('third-password');
    const response = await handler({ Records: [sqsRecord(queue, 'm2', JSON.stringify(changed()))] });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(handled).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

import { MessageType } from '@totes/contracts';
import { ServiceName, TopicName } from '@totes/model';
import { createLogger } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { NoSourceDatabaseError, NotGrantedError } from './errors';
import { createLambdaRuntime } from './lambda-runtime';

const quiet = createLogger({}, { write: () => {} });

describe('createLambdaRuntime', () => {
  it('reads nothing and connects to nothing until asked', () => {
    const read: string[] = [];
    const env = new Proxy({} as Record<string, string | undefined>, {
      get: (_target, name) => {
        read.push(String(name));
        return undefined;
      },
    });

    const runtime = createLambdaRuntime({ service: ServiceName.factBuilder, env, logger: quiet });

    expect(runtime.service).toBe(ServiceName.factBuilder);
    expect(read).toEqual([]);
  });

  it('refuses a secret the function was not given before asking Secrets Manager', async () => {
    const asked: string[] = [];
    const runtime = createLambdaRuntime({
      service: ServiceName.factBuilder,
      env: {
        TOTES_STAGE: 'pr-42',
        TOTES_WAREHOUSE_SCHEMA: 'totes_pr_42',
        TOTES_STATE_SCHEMA: 'totes_pr_42_state',
      },
      secrets: {
        read: async (id) => {
          asked.push(id);
          return '{}';
        },
      },
      logger: quiet,
    });

    await expect(runtime.warehousePool()).rejects.toThrow(NotGrantedError);
    await expect(runtime.sourcePool()).rejects.toThrow(/TOTES_SOURCE_SECRET_ARN/);
    expect(asked).toEqual([]);
  });

  it('opens no source on an inbox-only stage, saying why, and still reads the warehouse and names the inbox', async () => {
    const asked: string[] = [];
    const warehouseArn = 'arn:aws:secretsmanager:eu-west-2:1:secret:totes-dev-warehouse-AbCdEf';
    const runtime = createLambdaRuntime({
      service: ServiceName.tableExtractor,
      env: {
        TOTES_STAGE: 'pr-42',
        TOTES_WAREHOUSE_SCHEMA: 'totes_pr_42',
        TOTES_STATE_SCHEMA: 'totes_pr_42_state',
        TOTES_SOURCE_LOCATION: 'none',
        TOTES_RAW_LAKE_URL: 's3://totes-pr-42-raw-1/pr-42',
        TOTES_WAREHOUSE_SECRET_ARN: warehouseArn,
      },
      secrets: {
        read: async (id) => {
          asked.push(id);
          return JSON.stringify({ url: 'postgres://loader:pw@warehouse.internal:5432/warehouse' });
        },
      },
      logger: quiet,
    });

    await expect(runtime.sourcePool()).rejects.toThrow(NoSourceDatabaseError);
    await expect(runtime.sourcePool()).rejects.toThrow(
      'this stage has no source database (TOTES_SOURCE_LOCATION=none): it reads its inbox alone',
    );
    expect(asked).toEqual([]);
    expect((await runtime.namespaces()).source).toEqual({ namespace: 'inbox', database: 'none' });
    expect(asked).toEqual([warehouseArn]);
  });

  it('refuses to publish to a topic the function was not given', async () => {
    const runtime = createLambdaRuntime({
      service: ServiceName.factBuilder,
      env: {
        TOTES_STAGE: 'pr-42',
        TOTES_WAREHOUSE_SCHEMA: 'totes_pr_42',
        TOTES_STATE_SCHEMA: 'totes_pr_42_state',
        TOTES_TOPIC_BUILT_ARN: 'arn:aws:sns:eu-west-2:1:totes-pr-42-built',
      },
      awsEndpoint: 'http://127.0.0.1:9',
      logger: quiet,
    });
    const message = {
      id: crypto.randomUUID(),
      version: 1,
      occurredAt: new Date().toISOString(),
      runId: crypto.randomUUID(),
      causationId: null,
      type: MessageType.tableChanged,
      table: 'currency',
      window: { after: null, rereadFrom: null, upTo: '2024-11-15T09:30:00.123' },
      rows: 1,
    } as const;

    await expect(runtime.publisher().publish(TopicName.changes, message)).rejects.toThrow(NotGrantedError);
    await expect(runtime.publisher().publish(TopicName.changes, message)).rejects.toThrow(
      'TOTES_TOPIC_CHANGES_ARN is not set',
    );
  });

  it('runs a once-per-container task once, and again after it failed', async () => {
    const runtime = createLambdaRuntime({ service: ServiceName.warehouseLoader, logger: quiet });
    let runs = 0;
    const failing = async () => {
      runs += 1;
      if (runs === 1) throw new Error('the database restarted');
    };

    await expect(runtime.once('migrate', failing)).rejects.toThrow('the database restarted');
    await runtime.once('migrate', failing);
    await runtime.once('migrate', failing);

    expect(runs).toBe(2);
  });
});

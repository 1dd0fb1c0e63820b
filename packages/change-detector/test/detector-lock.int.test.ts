import { createLambdaRuntime } from '@totes/aws-entry';
import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { ServiceName } from '@totes/model';
import { createLogger, createPool, tryAdvisoryLock } from '@totes/runtime';
import type { Context } from 'aws-lambda';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetectorHandler, detectorLockName } from '../src/lambda';

// The lock that keeps two detector invocations (a continuous one that overran, the next minute's) from detecting at
// once, against a real PostgreSQL. The detector is given no source, so a cycle that starts fails at once, naming it.
const stage = 'locktest';
const secretArn = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:totes-locktest-warehouse-AbCdEf';
let postgres: TestPostgres;
let other: pg.Pool;

/** A Lambda context whose remaining time runs down with the clock. */
const contextFor = (ms: number) => {
  const deadline = Date.now() + ms;
  return { getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
};

function detector() {
  return createDetectorHandler(
    createLambdaRuntime({
      service: ServiceName.changeDetector,
      env: {
        AWS_REGION: 'eu-west-2',
        TOTES_STAGE: stage,
        TOTES_WAREHOUSE_SCHEMA: 'totes_locktest',
        TOTES_STATE_SCHEMA: 'totes_locktest_state',
        TOTES_WAREHOUSE_SECRET_ARN: secretArn,
        TOTES_DETECT_MODE: 'continuous',
        TOTES_DETECT_INTERVAL_MS: '100',
      },
      secrets: { read: async () => JSON.stringify({ url: postgres.url('warehouse') }) },
      logger: createLogger({}, { write: () => {} }),
    }),
  );
}

const advisoryLocksHeld = async () =>
  (await other.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'`)).rows[0]
    .n as number;

beforeAll(async () => {
  postgres = await startTestPostgres();
  await postgres.ensureDatabase('warehouse');
  other = createPool(postgres.url('warehouse'));
});

afterAll(async () => {
  await other?.end();
  await postgres?.dispose();
});

describe('the detector lock', () => {
  it('lets one of two holders at once run, and tells the other it was locked out', async () => {
    let release = () => {};
    const held = new Promise<void>((done) => {
      release = done;
    });
    const first = tryAdvisoryLock(other, 'totes-test-lock', () => held.then(() => 'ran'));
    await new Promise((done) => setTimeout(done, 100));

    const second = await tryAdvisoryLock(other, 'totes-test-lock', async () => 'ran too');
    release();

    expect(second).toEqual({ acquired: false });
    expect(await first).toEqual({ acquired: true, value: 'ran' });
    expect(await advisoryLocksHeld()).toBe(0);
  });

  it('makes an invocation that finds it held all its minute run no cycle', async () => {
    const holder = await other.connect();
    await holder.query('SELECT pg_advisory_lock(hashtext($1))', [detectorLockName(stage)]);
    try {
      const summary = await detector()({}, contextFor(2500));

      expect(summary).toEqual({ runId: null, changed: [], failed: [], cycles: 0 });
    } finally {
      await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [detectorLockName(stage)]);
      holder.release();
    }
  });

  it('lets a free invocation start a cycle, and is released when the cycle fails', async () => {
    const invocation = detector()({}, contextFor(60_000));

    await expect(invocation).rejects.toThrow('TOTES_SOURCE_SECRET_ARN is not set');
    expect(await advisoryLocksHeld()).toBe(0);
  });

  it('lets a continuous invocation take over when the one before lets go', async () => {
    const holder = await other.connect();
    await holder.query('SELECT pg_advisory_lock(hashtext($1))', [detectorLockName(stage)]);
    const invocation = detector()({}, contextFor(60_000));
    const settled = invocation.then(
      () => 'resolved',
      () => 'rejected',
    );
    await new Promise((done) => setTimeout(done, 300));
    const before = await Promise.race([settled, Promise.resolve('waiting')]);

    await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [detectorLockName(stage)]);
    holder.release();

    expect(before).toBe('waiting');
    // It took the lock and started a cycle, which fails at once here for want of a source.
    await expect(invocation).rejects.toThrow('TOTES_SOURCE_SECRET_ARN is not set');
  });
});

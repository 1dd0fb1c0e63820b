import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openOpsContext } from './context';
import { findStageQueues } from './queues';

describe('openOpsContext', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'totes-ops-'));
    vi.stubEnv('TOTES_STATE_DIR', stateDir);
    vi.stubEnv('TOTES_STAGE', undefined);
    vi.stubEnv('AWS_ENDPOINT_URL', undefined);
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('says at once that no platform runs here when none does and no stage was given', async () => {
    const context = await openOpsContext({});

    const reading = findStageQueues(context.sqs, context.stage);

    await expect(reading).rejects.toThrow(
      /^no platform is running on this machine: start it with `npm start`/,
    );
    context.close();
  });

  it('reads a stage on AWS when --stage is given, even with nothing running here', async () => {
    const context = await openOpsContext({ stage: 'dev' });

    expect(context.stage).toBe('dev');
    expect(context.sqs.middlewareStack.identify().join()).not.toContain('refuseWithoutPlatform');
    context.close();
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../src/main';
import { type PlatformFile, readPlatformFile, writePlatformFile } from '../src/ops/platform-file';
import { stateDirOf } from '../src/stack';
import type { TestPlatform } from './harness';

/** Runs the `totes` command as an operator would, capturing what it prints. */
export async function totes(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), out };
  } finally {
    spy.mockRestore();
  }
}

/**
 * Points the operator commands at a test platform, as `pnpm start` does through its state folder; returns the
 * undo.
 */
export async function pointTotesAt(t: TestPlatform): Promise<() => Promise<void>> {
  const stateDir = await mkdtemp(join(tmpdir(), 'totes-state-'));
  vi.stubEnv('TOTES_STATE_DIR', stateDir);
  await writePlatformFile(stateDir, {
    pid: process.pid,
    stage: t.config.stage,
    region: 'us-east-1',
    awsEndpoint: t.awsEndpoint,
    sourceUrl: t.config.sourceUrl,
    warehouseUrl: t.config.warehouseUrl,
    lakeUrl: t.config.lakeUrl,
    inboxUrl: t.config.inboxUrl,
    startedAt: new Date().toISOString(),
  });
  return async () => {
    vi.unstubAllEnvs();
    await rm(stateDir, { recursive: true, force: true });
  };
}

/**
 * Runs the `totes` command while the platform file that {@link pointTotesAt} wrote says other things (queues in a
 * stage that has none, an endpoint that does not answer), then puts the file back.
 */
export async function totesWhere(
  changes: Partial<PlatformFile>,
  ...argv: string[]
): Promise<{ code: number; out: string }> {
  const stateDir = stateDirOf();
  const file = await readPlatformFile(stateDir);
  if (!file) throw new Error('totesWhere needs pointTotesAt first');
  await writePlatformFile(stateDir, { ...file, ...changes });
  try {
    return await totes(...argv);
  } finally {
    await writePlatformFile(stateDir, file);
  }
}

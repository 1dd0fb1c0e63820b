import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKillPoint, KillStep, killPoint, killPointVariable } from './kill-point';

describe('kill points', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'totes-kill-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('does nothing when the variable is not set, even with a step armed', async () => {
    await writeFile(join(folder, KillStep.beforeCommit), '');
    const kill = vi.fn();

    createKillPoint({ folder: undefined, kill })(KillStep.beforeCommit);

    expect(kill).not.toHaveBeenCalled();
    expect(process.env[killPointVariable]).toBeUndefined();
    expect(() => killPoint(KillStep.beforeCommit)).not.toThrow();
  });

  it('does nothing at a step that is not armed', async () => {
    await writeFile(join(folder, KillStep.afterLakeWrite), '');
    const kill = vi.fn();

    createKillPoint({ folder, kill })(KillStep.beforeDelete);

    expect(kill).not.toHaveBeenCalled();
    expect(await readdir(folder)).toEqual([KillStep.afterLakeWrite]);
  });

  it('kills once at an armed step, taking the trigger and saying so first', async () => {
    await writeFile(join(folder, KillStep.beforeDelete), '');
    const events: string[] = [];
    const point = createKillPoint({
      folder,
      kill: () => events.push('kill'),
      say: (line) => events.push(JSON.parse(line).step),
    });

    point(KillStep.beforeDelete);
    point(KillStep.beforeDelete);

    expect(events).toEqual([KillStep.beforeDelete, 'kill']);
    expect(await readdir(folder)).toEqual([`${KillStep.beforeDelete}.taken-by-${process.pid}`]);
  });
});

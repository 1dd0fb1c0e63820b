import { access, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KillStep } from '@totes/runtime';

/**
 * The harness's side of the services' kill points (packages/runtime/src/kill-point.ts): a folder, handed to every
 * `totes serve` process as TOTES_FAULT_KILL_DIR, in which a step is armed by creating a file named after it.
 */
export interface KillPoints {
  readonly folder: string;
  /**
   * Arms `step` and resolves to true once a process took it (and so killed itself), or to false when none reached
   * the step within `withinMs` (the step is disarmed). Aims at one step are made one after the other, so each
   * counts one kill.
   */
  aim(step: KillStep, withinMs: number): Promise<boolean>;
  /** Removes the folder. */
  dispose(): Promise<void>;
}

const pollMs = 100;

/** A fresh folder of kill points, none armed. */
export async function createKillPoints(): Promise<KillPoints> {
  const folder = await mkdtemp(join(tmpdir(), 'totes-soak-kill-'));
  const queues = new Map<KillStep, Promise<unknown>>();

  const armAndWait = async (step: KillStep, withinMs: number) => {
    const trigger = join(folder, step);
    await writeFile(trigger, '');
    const until = Date.now() + withinMs;
    while (Date.now() < until) {
      if (!(await exists(trigger))) return true;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    // Disarmed by unlinking: a process that took the trigger first leaves nothing to unlink, and that counts.
    return unlink(trigger).then(
      () => false,
      () => true,
    );
  };

  return {
    folder,
    aim(step, withinMs) {
      const aimed = (queues.get(step) ?? Promise.resolve()).then(() => armAndWait(step, withinMs));
      queues.set(
        step,
        aimed.catch(() => undefined),
      );
      return aimed;
    },
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

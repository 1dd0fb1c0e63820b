import { renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The steps of a message's handling at which the soak harness can kill a service that holds the message: each is
 * a moment when some of the work is durable and the rest is not.
 */
export const KillStep = {
  /** A dataset is written to the lake and nothing announces it yet (the extractor and the builders). */
  afterLakeWrite: 'after_lake_write',
  /** The loader's rows are copied and merged in its transaction, which is not committed yet. */
  beforeCommit: 'before_commit',
  /** A handler succeeded (the loader's transaction committed) and its message is not deleted from the queue yet. */
  beforeDelete: 'before_delete',
} as const;
/** One of the {@link KillStep} values. */
export type KillStep = (typeof KillStep)[keyof typeof KillStep];

/**
 * The variable that turns the kill points on, for tests only: a folder in which the soak harness arms a step by
 * creating a file named after it. Unset (always, outside the soak), every kill point does nothing.
 */
export const killPointVariable = 'TOTES_FAULT_KILL_DIR';

/** The log message a process writes just before it kills itself at a kill point. */
export const killPointMessage = 'killed at a kill point';

/** What a kill point acts with; the defaults are the process's own. */
export interface KillPointWorld {
  /** The folder of armed steps; undefined leaves the kill point inert. */
  readonly folder: string | undefined;
  readonly kill?: () => void;
  readonly say?: (line: string) => void;
}

/**
 * A kill point over `world`: when the folder holds a file named after the step, it takes the file (a rename, so
 * one process takes it once) and kills the process with SIGKILL, no handler running, no message deleted, no
 * transaction committed. Synchronous, so nothing else runs between the step and the kill.
 */
export function createKillPoint(world: KillPointWorld): (step: KillStep) => void {
  const { folder } = world;
  if (!folder) return () => {};
  const kill = world.kill ?? (() => process.kill(process.pid, 'SIGKILL'));
  const say = world.say ?? ((line: string) => writeSync(2, line));
  return (step) => {
    try {
      renameSync(join(folder, step), join(folder, `${step}.taken-by-${process.pid}`));
    } catch {
      return; // not armed
    }
    try {
      say(
        `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), message: killPointMessage, step })}\n`,
      );
    } catch {
      // A closed stderr must not spare the process.
    }
    kill();
  };
}

/**
 * A test-only fault hook at a step boundary of a service: inert unless {@link killPointVariable} is set (the soak
 * harness sets it on its `totes serve` processes); then the process kills itself at `step` when the harness armed it.
 */
export function killPoint(step: KillStep): void {
  createKillPoint({ folder: process.env[killPointVariable] })(step);
}

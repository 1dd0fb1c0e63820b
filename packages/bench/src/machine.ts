import { execFile } from 'node:child_process';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The machine a benchmark ran on. */
export interface Machine {
  readonly hostname: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly node: string;
}

/** The 1, 5 and 15 minute load averages: others may be using the machine too. */
export type LoadAverage = readonly [number, number, number];

/** Describes this machine. */
export function describeMachine(): Machine {
  const processors = cpus();
  return {
    hostname: hostname(),
    platform: process.platform,
    arch: process.arch,
    cpus: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
  };
}

/** The load averages now, rounded to two decimals. */
export function loadAverage(): LoadAverage {
  const [one = 0, five = 0, fifteen = 0] = loadavg().map((value) => Math.round(value * 100) / 100);
  return [one, five, fifteen];
}

/** The checked-out commit and whether the working tree differs from it; null outside a git checkout. */
export async function gitState(cwd: string): Promise<{ commit: string; dirty: boolean } | null> {
  try {
    const { stdout: commit } = await execFileAsync('git', ['rev-parse', 'HEAD'], { cwd });
    const { stdout: status } = await execFileAsync('git', ['status', '--porcelain'], { cwd });
    return { commit: commit.trim(), dirty: status.trim().length > 0 };
  } catch {
    return null;
  }
}

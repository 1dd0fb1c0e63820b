import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const clockTicksPerSecond = 100;

/**
 * CPU time used so far by a PostgreSQL server, in ms: the postmaster's own and its exited children's (the kernel
 * adds a reaped child's time to its parent), plus every live child's (backends, checkpointer, WAL writer, …).
 * Read from /proc, so Linux only; null elsewhere or when the server's pid cannot be read.
 */
export async function postgresCpuMs(dataDir: string): Promise<number | null> {
  try {
    const pidFile = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
    const postmaster = Number(pidFile.split('\n')[0]);
    if (!Number.isInteger(postmaster)) return null;
    const own = await statOf(postmaster);
    if (!own) return null;
    let ticks = own.utime + own.stime + own.cutime + own.cstime;
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const child = await statOf(Number(entry));
      if (child?.ppid === postmaster) ticks += child.utime + child.stime;
    }
    return (ticks / clockTicksPerSecond) * 1000;
  } catch {
    return null;
  }
}

interface ProcStat {
  ppid: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

async function statOf(pid: number): Promise<ProcStat | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!text) return null;
  // The command name may hold spaces and parentheses: the fields after it start past the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return { ppid: field(4), utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
}

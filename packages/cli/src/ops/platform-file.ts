import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What a running platform tells the operator commands: where its endpoints are. */
export interface PlatformFile {
  readonly pid: number;
  readonly stage: string;
  readonly region: string;
  /** The fauxqs endpoint of the local stack; absent on AWS. */
  readonly awsEndpoint?: string;
  /** The warehouse URL, only when it is the embedded one (its password is the fixed local one). */
  readonly warehouseUrl?: string;
  readonly sourceUrl?: string;
  /** The lake the platform writes to. */
  readonly lakeUrl?: string;
  /** The inbox the platform reads files from. */
  readonly inboxUrl?: string;
  readonly startedAt: string;
}

const fileName = 'platform.json';

/** Writes the running platform's endpoints into the state folder, for `totes dlq` and `totes status`. */
export async function writePlatformFile(stateDir: string, file: PlatformFile): Promise<() => Promise<void>> {
  const path = join(stateDir, fileName);
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`);
  return () => rm(path, { force: true });
}

/** The endpoints of the platform running on this state folder, or undefined when none is running. */
export async function readPlatformFile(stateDir: string): Promise<PlatformFile | undefined> {
  const text = await readFile(join(stateDir, fileName), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const file = JSON.parse(text) as PlatformFile;
  return isAlive(file.pid) ? file : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

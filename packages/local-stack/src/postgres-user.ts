import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The account PostgreSQL runs as: the `postgres` system user when the platform runs as root. */
export interface PostgresUser {
  readonly uid: number;
  readonly gid: number;
}

/** What the `postgres` user must be able to do with a path. */
export const Access = {
  /** A folder it passes through, or a binary it runs. */
  execute: 0o1,
  /** A folder it lists and reads from. */
  read: 0o5,
  /** A folder it creates files in. */
  write: 0o3,
} as const;
export type Access = (typeof Access)[keyof typeof Access];

/** A path the `postgres` user cannot use, and what stops it. */
export interface Blocked {
  readonly path: string;
  /** The permission bits, e.g. 0o700. */
  readonly mode: number;
  readonly ownerUid: number;
}

const name = 'postgres';

/**
 * The `postgres` system user, created (with its group) when it does not exist yet: PostgreSQL refuses to run as
 * root. `onNotice` hears of the creation, the one change to the system it makes.
 */
export async function ensurePostgresUser(onNotice: (message: string) => void): Promise<PostgresUser> {
  const found = await lookUp();
  if (found) return found;
  await execFileAsync('groupadd', ['--system', name]).catch(() => {});
  await execFileAsync('useradd', ['--system', '--gid', name, '--no-create-home', name]);
  const created = await lookUp();
  if (!created) throw new Error(`could not create the system user ${name}`);
  onNotice(
    `created the system user ${name} (uid ${created.uid}) to run PostgreSQL, which refuses to run as root`,
  );
  return created;
}

async function lookUp(): Promise<PostgresUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', name]).then(({ stdout }) => Number(stdout)),
      execFileAsync('id', ['-g', name]).then(({ stdout }) => Number(stdout)),
    ]);
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * The first path that stops `user` from using `path` as asked: a folder on the way it cannot pass through, or the
 * path itself; undefined when nothing does. It reads the permission bits as the kernel does for a process that has
 * `user`'s uid and gid and no other group, which is how the platform spawns PostgreSQL's programs (ACLs are not read:
 * a path they open is reported blocked, and the platform then avoids it, which is safe). `path` must exist.
 */
export async function blockedOnTheWay(
  path: string,
  user: PostgresUser,
  access: Access,
): Promise<Blocked | undefined> {
  // The kernel checks the folders of a link's target, not of the link.
  const target = await realpath(path);
  for (const folder of foldersAbove(target)) {
    const blocked = await check(folder, user, Access.execute);
    if (blocked) return blocked;
  }
  return check(target, user, access);
}

/** The folders above `path`, from the root down. */
function foldersAbove(path: string): string[] {
  const folders: string[] = [];
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    folders.unshift(folder);
    if (folder === dirname(folder)) return folders;
  }
}

async function check(path: string, user: PostgresUser, access: Access): Promise<Blocked | undefined> {
  const { mode, uid, gid } = await stat(path);
  const granted = uid === user.uid ? mode >> 6 : gid === user.gid ? mode >> 3 : mode;
  return (granted & access) === access ? undefined : { path, mode: mode & 0o7777, ownerUid: uid };
}

/** How an error message names a blocked path: `/root (mode 700, owner uid 0)`. */
export function describeBlocked(blocked: Blocked): string {
  return `${blocked.path} (mode ${blocked.mode.toString(8)}, owner uid ${blocked.ownerUid})`;
}

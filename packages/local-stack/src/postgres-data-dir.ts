import { createHash } from 'node:crypto';
import { chmod, chown, lstat, mkdir, readlink, rm, symlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { PostgresUnreachableError } from './errors';
import { Access, blockedOnTheWay, describeBlocked, type PostgresUser } from './postgres-user';

/** What placing the data folder may need to do besides placing it. */
export interface PlacementHooks {
  readonly onNotice: (message: string) => void;
  /** Stops a server still running on a data folder about to be deleted. */
  readonly stopServer: (dataDir: string) => Promise<void>;
}

/**
 * The folder PostgreSQL's data really lives in, for the `requested` one, as root (where the `postgres` user runs
 * it and must reach it). Never a permission change outside the platform's own folders:
 * - `requested` itself, when the `postgres` user can reach it (or its parent, when it does not exist yet);
 * - the target of a link at `requested`, left by an earlier start;
 * - else a new folder under `dataRoot`, owned by `postgres`, named for `requested` and linked from it. Deleting the
 *   state folder deletes the link, and the next start replaces that folder with an empty one: a fresh start, as
 *   everywhere else.
 * A real folder at `requested` that the `postgres` user cannot reach is refused, naming the fix.
 */
export async function placeDataDir(
  requested: string,
  user: PostgresUser,
  dataRoot: string,
  hooks: PlacementHooks,
): Promise<string> {
  const path = resolve(requested);
  const found = await lstat(path).catch(() => undefined);
  if (found?.isSymbolicLink()) return ownedFolder(resolve(dirname(path), await readlink(path)), user);
  if (found) return usableInPlace(path, user, dataRoot);
  await mkdir(dirname(path), { recursive: true });
  const blocked = await blockedOnTheWay(dirname(path), user, Access.execute);
  if (!blocked) return ownedFolder(path, user);
  await openCreatedFolders(dataRoot);
  const rootBlocked = await blockedOnTheWay(dataRoot, user, Access.execute);
  if (rootBlocked) {
    throw new PostgresUnreachableError(
      rootBlocked.path,
      `the postgres user can reach neither ${path} (${describeBlocked(blocked)} stops it) nor ${dataRoot} ` +
        `(${describeBlocked(rootBlocked)} stops it). Set TOTES_STATE_DIR to a folder every account can pass through.`,
    );
  }
  const target = join(dataRoot, `postgres-${createHash('sha256').update(path).digest('hex').slice(0, 16)}`);
  await discard(target, hooks);
  await ownedFolder(target, user);
  await symlink(target, path);
  hooks.onNotice(
    `PostgreSQL's data lives in ${target}, linked from ${path}: the postgres user cannot reach ${path} because of ` +
      `${describeBlocked(blocked)}, and the platform does not change its permissions`,
  );
  return target;
}

/** A real data folder is used where it is, when the `postgres` user can write it. */
async function usableInPlace(path: string, user: PostgresUser, dataRoot: string): Promise<string> {
  const blocked = await blockedOnTheWay(path, user, Access.write);
  if (!blocked) return path;
  throw new PostgresUnreachableError(
    blocked.path,
    `PostgreSQL's data folder ${path} is out of the postgres user's reach: ${describeBlocked(blocked)} stops it, and ` +
      'the platform does not change permissions outside its state folder. Either delete the data folder to start ' +
      `from nothing (the platform then keeps the data in ${dataRoot}, which the postgres user can reach), or set ` +
      `TOTES_STATE_DIR to a folder every account can pass through, or give the postgres user access to ${blocked.path} yourself.`,
  );
}

/** A data folder that the `postgres` user owns, created empty (mode 700, as PostgreSQL wants) when missing. */
async function ownedFolder(path: string, user: PostgresUser): Promise<string> {
  const found = await lstat(path).catch(() => undefined);
  if (!found) {
    await mkdir(path, { mode: 0o700 });
    await chown(path, user.uid, user.gid);
  }
  return path;
}

/** Creates `folder` and any missing parent with mode 755: only folders this call created are given a mode. */
async function openCreatedFolders(folder: string): Promise<void> {
  const first = await mkdir(folder, { recursive: true });
  if (!first) return;
  const below = relative(first, folder).split(sep).filter(Boolean);
  let current = first;
  await chmod(current, 0o755);
  for (const name of below) {
    current = join(current, name);
    await chmod(current, 0o755);
  }
}

/** The data of a state folder that was deleted since: stopped if it still runs, and removed. */
async function discard(target: string, hooks: PlacementHooks): Promise<void> {
  if (!(await lstat(target).catch(() => undefined))) return;
  await hooks.stopServer(target).catch(() => {});
  await rm(target, { recursive: true, force: true });
}

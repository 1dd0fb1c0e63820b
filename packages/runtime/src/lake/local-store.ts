import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LakeObjectNotFoundError, LakeReadFailedError, LakeWriteFailedError } from './errors';
import { assertLakeKey, assertLakePrefix, compareKeys, type LakeStore } from './lake-store';

// Temporary files live next to their target (same file system, so rename is atomic) and are never listed.
const tempFilePattern = /^\..+\.[0-9a-f-]{36}\.tmp$/;

/** The file system calls a local lake makes: node's own, or a spy's in a test. */
export type LocalFileSystem = Pick<
  typeof nodeFs,
  'link' | 'mkdir' | 'open' | 'readdir' | 'readFile' | 'rename' | 'rm' | 'stat'
>;

/**
 * A lake in a local folder: each key is a file under `root`. Writes go to a temporary file that is then
 * renamed over the target, so a reader never sees half an object. Folders are created as needed. A write is
 * durable when `put` resolves (the file synced before the rename, its folder and every folder it created synced
 * after), so a message published after it never names an object that a power cut can take back.
 */
export function createLocalStore(root: string, fs: LocalFileSystem = nodeFs): LakeStore {
  const { link, mkdir, readdir, readFile, rename, rm, stat } = fs;
  const absoluteRoot = resolve(root);
  const lake = pathToFileURL(absoluteRoot).href;
  const pathOf = (key: string) => join(absoluteRoot, ...key.split('/'));
  // The bytes, durably in a temporary file beside the object's path, ready to be renamed or linked into place.
  const stage = async (path: string, bytes: Uint8Array) => {
    const firstCreated = await mkdir(dirname(path), { recursive: true });
    const temp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
    try {
      await writeDurably(fs, temp, bytes);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw error;
    }
    return { temp, firstCreated };
  };
  // The new entry is in its folder, and each folder created is an entry in its parent.
  const syncEntries = async (path: string, firstCreated: string | undefined) => {
    for (const folder of foldersToSync(dirname(path), firstCreated)) await syncFolder(fs, folder);
  };

  return {
    describe: () => lake,

    async put(key, bytes) {
      assertLakeKey(key, lake);
      const path = pathOf(key);
      const staged = await stage(path, bytes).catch((cause) => {
        throw new LakeWriteFailedError(key, lake, { cause });
      });
      try {
        await rename(staged.temp, path);
        await syncEntries(path, staged.firstCreated);
      } catch (cause) {
        await rm(staged.temp, { force: true }).catch(() => {});
        throw new LakeWriteFailedError(key, lake, { cause });
      }
    },

    async putIfAbsent(key, bytes) {
      assertLakeKey(key, lake);
      const path = pathOf(key);
      const staged = await stage(path, bytes).catch((cause) => {
        throw new LakeWriteFailedError(key, lake, { cause });
      });
      try {
        // A hard link is created whole or not at all, and fails when the target exists: an exclusive create that
        // no reader ever sees half written.
        await link(staged.temp, path);
        await syncEntries(path, staged.firstCreated);
        return true;
      } catch (cause) {
        if ((cause as { code?: unknown } | null)?.code === 'EEXIST') return false;
        throw new LakeWriteFailedError(key, lake, { cause });
      } finally {
        await rm(staged.temp, { force: true }).catch(() => {});
      }
    },

    async get(key) {
      assertLakeKey(key, lake);
      try {
        const buffer = await readFile(pathOf(key));
        // A plain Uint8Array view, so callers compare and pass it like any other bytes.
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch (cause) {
        if (isMissing(cause)) throw new LakeObjectNotFoundError(key, lake, { cause });
        throw new LakeReadFailedError(key, lake, { cause });
      }
    },

    async exists(key) {
      assertLakeKey(key, lake);
      try {
        return (await stat(pathOf(key))).isFile();
      } catch (cause) {
        if (isMissing(cause)) return false;
        throw new LakeReadFailedError(key, lake, { cause });
      }
    },

    async list(prefix) {
      assertLakePrefix(prefix, lake);
      // Walk only the deepest folder the prefix names; the rest of the prefix filters file names.
      const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      const keys: string[] = [];
      await walk({ root: absoluteRoot, lake, prefix, readdir }, folder, keys);
      return keys.sort(compareKeys);
    },

    async delete(key) {
      assertLakeKey(key, lake);
      try {
        const path = pathOf(key);
        if ((await stat(path).catch(() => undefined))?.isDirectory()) return;
        await rm(path, { force: true });
      } catch (cause) {
        throw new LakeWriteFailedError(key, lake, { cause, action: 'delete' });
      }
    },
  };
}

/** Writes the bytes and syncs them to the disk before the file is closed. */
async function writeDurably(fs: LocalFileSystem, path: string, bytes: Uint8Array): Promise<void> {
  const file = await fs.open(path, 'w');
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * The folders whose entries a write changed: the target's own, and, when `mkdir` created folders from
 * `firstCreated` down to it, the parent of each of them. Deepest first.
 */
function foldersToSync(folder: string, firstCreated: string | undefined): string[] {
  const folders = [folder];
  if (firstCreated === undefined) return folders;
  for (let created = folder; created.length >= firstCreated.length; created = dirname(created)) {
    folders.push(dirname(created));
    if (created === firstCreated) break;
  }
  return folders;
}

async function syncFolder(fs: LocalFileSystem, folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // EINVAL: a file system that cannot sync a folder (some network and FUSE ones); its rename is all it offers.
    if ((error as { code?: unknown } | null)?.code !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

async function walk(
  {
    root,
    lake,
    prefix,
    readdir,
  }: { root: string; lake: string; prefix: string; readdir: LocalFileSystem['readdir'] },
  folder: string,
  into: string[],
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder === '' ? root : join(root, ...folder.split('/')), { withFileTypes: true });
  } catch (cause) {
    if (isMissing(cause)) return;
    throw new LakeReadFailedError(folder, lake, { cause });
  }
  for (const entry of entries) {
    const key = folder === '' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      // Descend only where keys can still start with the prefix.
      const inside = `${key}/`;
      if (inside.startsWith(prefix) || prefix.startsWith(inside))
        await walk({ root, lake, prefix, readdir }, key, into);
    } else if (entry.isFile() && key.startsWith(prefix) && !tempFilePattern.test(entry.name)) {
      into.push(key);
    }
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // ENOTDIR: a path segment is a file; EISDIR: the key names a folder. Either way there is no object.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

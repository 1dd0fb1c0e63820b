import * as fs from 'node:fs/promises';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LakeErrorCode, LakeReadFailedError, LakeWriteFailedError } from './errors';
import { createLocalStore, type LocalFileSystem } from './local-store';

// The disk's failures other than a missing object (a permission refused, a folder that cannot be synced), which a
// real temporary folder run as the test's user cannot produce: the real file system, with one call made to fail.

/** A Node file system error, as `fs/promises` rejects with. */
const fsError = (code: string) => Object.assign(new Error(`${code}: refused`), { code });

/** A file system call that always rejects with `code` (typed as whichever call it stands for). */
const refused = (code: string): never => (() => Promise.reject(fsError(code))) as never;

/** The real file system, whose folder handles fail `sync` with `code`. */
function foldersFailSync(code: string): LocalFileSystem {
  const open: LocalFileSystem['open'] = async (path, ...rest) => {
    const handle = await fs.open(path, ...rest);
    if ((await handle.stat()).isDirectory()) handle.sync = () => Promise.reject(fsError(code));
    return handle;
  };
  return { ...fs, open };
}

describe('local lake store, when the disk fails', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'totes-lake-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reports a refused read as LakeReadFailedError with its cause, not as a missing object', async () => {
    const store = createLocalStore(root, { ...fs, readFile: refused('EACCES') });

    const error = await store.get('a/b').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeReadFailedError);
    expect(error).toMatchObject({
      code: LakeErrorCode.lakeReadFailed,
      key: 'a/b',
      cause: { code: 'EACCES' },
    });
    expect((error as Error).message).toBe(`Could not read a/b in lake file://${root}: EACCES: refused`);
  });

  it('reports a refused existence check as LakeReadFailedError rather than answering that the object is absent', async () => {
    const store = createLocalStore(root, { ...fs, stat: refused('EACCES') });

    const error = await store.exists('a/b').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeReadFailedError);
    expect(error).toMatchObject({ key: 'a/b', cause: { code: 'EACCES' } });
  });

  it('reports a folder it cannot list as LakeReadFailedError rather than listing nothing', async () => {
    const store = createLocalStore(root, {
      ...fs,
      readdir: refused('EACCES'),
    });

    const error = await store.list('raw/').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeReadFailedError);
    expect(error).toMatchObject({ key: 'raw', cause: { code: 'EACCES' } });
  });

  it('reports a refused delete as LakeWriteFailedError that says it was a delete', async () => {
    const store = createLocalStore(root, { ...fs, rm: refused('EROFS') });

    const error = await store.delete('a/b').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeWriteFailedError);
    expect((error as Error).message).toBe(`Could not delete a/b in lake file://${root}: EROFS: refused`);
  });

  it('writes on a file system that cannot sync a folder (EINVAL), where the rename is all it offers', async () => {
    const store = createLocalStore(root, foldersFailSync('EINVAL'));

    await store.put('a/b', new Uint8Array([1, 2]));

    expect(await createLocalStore(root).get('a/b')).toEqual(new Uint8Array([1, 2]));
  });

  it('fails a write whose folder sync fails otherwise, since the object might not survive a power cut', async () => {
    const store = createLocalStore(root, foldersFailSync('EIO'));

    const error = await store.put('a/b', new Uint8Array([1])).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeWriteFailedError);
    expect(error).toMatchObject({ key: 'a/b', cause: { code: 'EIO' } });
  });

  it('fails a conditional write that the disk refuses, leaving no temporary file', async () => {
    const store = createLocalStore(root, { ...fs, link: refused('EPERM') });

    const error = await store.putIfAbsent('a/b', new Uint8Array([1])).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeWriteFailedError);
    expect(error).toMatchObject({ key: 'a/b', cause: { code: 'EPERM' } });
    expect(await readdir(join(root, 'a'))).toEqual([]);
  });
});

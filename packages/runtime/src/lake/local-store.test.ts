import * as fs from 'node:fs/promises';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidLakeKeyError, LakeErrorCode, LakeObjectNotFoundError, LakeWriteFailedError } from './errors';
import type { LakeStore } from './lake-store';
import { createLocalStore, type LocalFileSystem } from './local-store';

/** The real file system, recording each sync (of what) and each rename, in order. */
function recordingFileSystem(root: string): { fs: LocalFileSystem; calls: string[] } {
  const calls: string[] = [];
  const relative = (path: unknown) => String(path).slice(root.length) || '/';
  const open: LocalFileSystem['open'] = async (path, ...rest) => {
    const handle = await fs.open(path, ...rest);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      await sync();
      const isFolder = (await handle.stat()).isDirectory();
      calls.push(`sync ${isFolder ? 'folder' : 'file'} ${isFolder ? relative(path) : 'temp'}`);
    };
    return handle;
  };
  const rename: LocalFileSystem['rename'] = async (from, to) => {
    await fs.rename(from, to);
    calls.push(`rename temp to ${relative(to)}`);
  };
  return { fs: { ...fs, open, rename }, calls };
}

describe('local lake store', () => {
  let root: string;
  let store: LakeStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'totes-lake-'));
    store = createLocalStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes bytes under nested folders it creates and reads them back', async () => {
    await store.put('raw/sales_order/part-00000.parquet', new Uint8Array([1, 2, 3]));

    const bytes = await store.get('raw/sales_order/part-00000.parquet');

    expect(bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(await readdir(join(root, 'raw', 'sales_order'))).toEqual(['part-00000.parquet']);
  });

  it('writes an object only where none is: a second conditional write leaves the first, and no temporary file', async () => {
    const first = await store.putIfAbsent('_totes/instance.json', new Uint8Array([1]));
    const second = await store.putIfAbsent('_totes/instance.json', new Uint8Array([2]));

    expect([first, second]).toEqual([true, false]);
    expect(await store.get('_totes/instance.json')).toEqual(new Uint8Array([1]));
    expect(await readdir(join(root, '_totes'))).toEqual(['instance.json']);
  });

  it('syncs the file before the rename, then its folder and every folder it created, before the write resolves', async () => {
    const { fs: recording, calls } = recordingFileSystem(root);
    await fs.mkdir(join(root, 'raw'));
    const durable = createLocalStore(root, recording);

    await durable.put('raw/sales_order/window/part-00000.parquet', new Uint8Array([1, 2, 3]));

    expect(calls).toEqual([
      'sync file temp',
      'rename temp to /raw/sales_order/window/part-00000.parquet',
      'sync folder /raw/sales_order/window',
      'sync folder /raw/sales_order',
      'sync folder /raw',
    ]);
  });

  it('syncs only the folder of the object when its folders exist already', async () => {
    const { fs: recording, calls } = recordingFileSystem(root);
    const durable = createLocalStore(root, recording);
    await durable.put('a/b', new Uint8Array([1]));
    calls.length = 0;

    await durable.put('a/b', new Uint8Array([2]));

    expect(calls).toEqual(['sync file temp', 'rename temp to /a/b', 'sync folder /a']);
  });

  it('replaces an object whole and leaves no temporary file behind', async () => {
    await store.put('a/b', new Uint8Array([1, 2, 3, 4]));

    await store.put('a/b', new Uint8Array([9]));

    expect(await store.get('a/b')).toEqual(new Uint8Array([9]));
    expect(await readdir(join(root, 'a'))).toEqual(['b']);
  });

  it('throws LakeObjectNotFoundError naming the key and the lake for a missing object', async () => {
    const error = await store.get('raw/none').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeObjectNotFoundError);
    expect(error).toMatchObject({ code: LakeErrorCode.lakeObjectNotFound, key: 'raw/none' });
    expect((error as Error).message).toBe(`No object raw/none in lake file://${root}`);
  });

  it('tells whether an object exists, a folder not counting as one', async () => {
    await store.put('a/b', new Uint8Array([1]));

    expect(await store.exists('a/b')).toBe(true);
    expect(await store.exists('a')).toBe(false);
    expect(await store.exists('a/c')).toBe(false);
  });

  it('lists every key under a string prefix, sorted, across folders', async () => {
    for (const key of ['t/b/2', 't/a', 't/b/1', 'tx/1', 'u/1']) await store.put(key, new Uint8Array([1]));

    expect(await store.list('t/')).toEqual(['t/a', 't/b/1', 't/b/2']);
    expect(await store.list('t')).toEqual(['t/a', 't/b/1', 't/b/2', 'tx/1']);
    expect(await store.list('t/b')).toEqual(['t/b/1', 't/b/2']);
    expect(await store.list('')).toEqual(['t/a', 't/b/1', 't/b/2', 'tx/1', 'u/1']);
    expect(await store.list('nothing/')).toEqual([]);
  });

  it('does not list temporary files of writes in progress', async () => {
    await store.put('d/part-00000.parquet', new Uint8Array([1]));
    await writeFile(join(root, 'd', '.part-00001.parquet.0b6f6f1e-2a4c-4b8e-9a51-3f0e4c1d2b7a.tmp'), 'half');

    expect(await store.list('d/')).toEqual(['d/part-00000.parquet']);
  });

  it('deletes an object, and deleting it again does nothing', async () => {
    await store.put('a/b', new Uint8Array([1]));

    await store.delete('a/b');
    await store.delete('a/b');

    expect(await store.exists('a/b')).toBe(false);
  });

  it('throws LakeWriteFailedError naming the lake, with the cause, when the lake cannot be written', async () => {
    await writeFile(join(root, 'blocker'), 'a file where a folder should be');
    const blocked = createLocalStore(join(root, 'blocker', 'lake'));

    const error = await blocked.put('a/b', new Uint8Array([1])).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeWriteFailedError);
    expect(error).toMatchObject({ code: LakeErrorCode.lakeWriteFailed, key: 'a/b' });
    expect((error as Error).message).toContain(`in lake file://${root}/blocker/lake`);
    expect((error as Error).cause).toMatchObject({ code: 'ENOTDIR' });
  });

  it.each(['../escape', 'a/../../escape', '/etc/passwd', 'a//b', '', 'a/./b', 'a/'])(
    'refuses the key %j, which could escape the root',
    async (key) => {
      const error = await store.put(key, new Uint8Array([1])).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(InvalidLakeKeyError);
      expect(await readdir(join(root, '..'))).not.toContain('escape');
    },
  );

  it('describes itself by its file URL', () => {
    expect(store.describe()).toBe(`file://${root}`);
  });
});

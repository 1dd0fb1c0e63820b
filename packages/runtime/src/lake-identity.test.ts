import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LakeErrorCode, LakeIdentityMismatchError } from './lake/errors';
import type { LakeStore } from './lake/lake-store';
import { createLocalStore } from './lake/local-store';
import {
  decideLakeIdentity,
  ensureLakeIdentity,
  IdentityAction,
  lakeIdentityKey,
  readLakeIdentity,
} from './lake-identity';
import type { PlatformInstanceStore, RecordedInstance } from './state/platform-instance';

const idA = '0b6d2a3e-7c51-4f0e-9d0c-6f1f1d1f0a01';
const idB = '5c9e8f7a-1b2c-4d3e-8f9a-0b1c2d3e4f02';

describe('decideLakeIdentity', () => {
  it.each([
    [{ lakeId: idA, stateId: idA, lakeHasRawData: false }, IdentityAction.matched],
    [{ lakeId: idA, stateId: idB, lakeHasRawData: false }, IdentityAction.refuse],
    [{ lakeId: idA, stateId: null, lakeHasRawData: false }, IdentityAction.refuse],
    [{ lakeId: null, stateId: null, lakeHasRawData: false }, IdentityAction.create],
    [{ lakeId: null, stateId: null, lakeHasRawData: true }, IdentityAction.adopt],
    [{ lakeId: null, stateId: idA, lakeHasRawData: false }, IdentityAction.rebuild],
    [{ lakeId: null, stateId: idA, lakeHasRawData: true }, IdentityAction.refuse],
  ])('decides, for %j, to %s', (found, action) => {
    expect(decideLakeIdentity(found)).toBe(action);
  });
});

describe('ensureLakeIdentity on a local lake', () => {
  let root: string;
  let lake: LakeStore;
  let recorded: RecordedInstance | null;
  let rewinds: number;
  const instances: PlatformInstanceStore = {
    read: async () => recorded,
    record: async (instance) => {
      recorded = instance;
    },
  };
  const ports = (newId = idA) => ({
    lake,
    instances,
    rewindAll: async () => {
      rewinds++;
    },
    newId: () => newId,
    stateSchema: 'totes',
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'totes-lake-'));
    lake = createLocalStore(root);
    recorded = null;
    rewinds = 0;
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the same new id into the lake and the state on the first start', async () => {
    const identity = await ensureLakeIdentity(ports());

    expect(identity).toMatchObject({ instanceId: idA, action: IdentityAction.create });
    expect(await readLakeIdentity(lake)).toBe(idA);
    expect(recorded?.instanceId).toBe(idA);
    expect(rewinds).toBe(0);
  });

  it('refuses a lake of another instance, naming both ids, the lake and the way out, and changes nothing', async () => {
    await lake.put(lakeIdentityKey, new TextEncoder().encode(JSON.stringify({ instanceId: idA })));
    recorded = { instanceId: idB, lakeUrl: 'file:///elsewhere' };

    const error = await ensureLakeIdentity(ports(idB)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeIdentityMismatchError);
    expect(error).toMatchObject({ code: LakeErrorCode.lakeIdentityMismatch, permanent: true });
    const message = (error as Error).message;
    for (const part of [idA, idB, lake.describe(), 'TOTES_LAKE_URL', 'totes lake adopt --yes'])
      expect(message).toContain(part);
    expect(await readLakeIdentity(lake)).toBe(idA);
    expect(recorded.instanceId).toBe(idB);
  });

  it('rewinds every table and writes the state id again into a lost, empty lake', async () => {
    recorded = { instanceId: idB, lakeUrl: lake.describe() };

    const identity = await ensureLakeIdentity(ports());

    expect(identity).toMatchObject({ instanceId: idB, action: IdentityAction.rebuild });
    expect(rewinds).toBe(1);
    expect(await readLakeIdentity(lake)).toBe(idB);
  });

  it('refuses a lake whose id another start wrote between the look and the write', async () => {
    const racing: LakeStore = {
      ...lake,
      putIfAbsent: async (key, bytes) => {
        await lake.put(key, new TextEncoder().encode(JSON.stringify({ instanceId: idB })));
        return lake.putIfAbsent(key, bytes);
      },
    };

    const error = await ensureLakeIdentity({ ...ports(), lake: racing }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LakeIdentityMismatchError);
    expect(error).toMatchObject({ lakeInstanceId: idB, stateInstanceId: idA });
  });

  it('refuses an identity object it did not write, naming it', async () => {
    await lake.put(lakeIdentityKey, new TextEncoder().encode('{"instanceId": 42}'));

    await expect(readLakeIdentity(lake)).rejects.toMatchObject({
      code: LakeErrorCode.unreadableLakeIdentity,
      message: expect.stringContaining(lakeIdentityKey),
    });
  });
});

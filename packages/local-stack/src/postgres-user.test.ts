import { chmod, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Access, blockedOnTheWay } from './postgres-user';

// An account that owns nothing here and is in no group here: it gets the "other" permission bits everywhere.
const stranger = { uid: 54_321, gid: 54_321 };

describe('blockedOnTheWay', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'totes-access-'));
    await chmod(base, 0o755);
    await mkdir(join(base, 'open', 'inner'), { recursive: true, mode: 0o755 });
    await mkdir(join(base, 'closed', 'inner'), { recursive: true, mode: 0o755 });
    await chmod(join(base, 'open'), 0o755);
    await chmod(join(base, 'open', 'inner'), 0o755);
    await chmod(join(base, 'closed'), 0o700);
    await symlink(join(base, 'closed', 'inner'), join(base, 'open', 'link'));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('finds nothing in the way of a folder every account may pass through', async () => {
    expect(await blockedOnTheWay(join(base, 'open', 'inner'), stranger, Access.read)).toBeUndefined();
  });

  it('names the first folder on the way that the account may not pass through, with its mode', async () => {
    const blocked = await blockedOnTheWay(join(base, 'closed', 'inner'), stranger, Access.execute);

    expect(blocked).toMatchObject({ path: join(base, 'closed'), mode: 0o700 });
  });

  it('follows a link to the folders its target lies in', async () => {
    const blocked = await blockedOnTheWay(join(base, 'open', 'link'), stranger, Access.execute);

    expect(blocked?.path).toBe(join(base, 'closed'));
  });

  it('names the path itself when the account may pass through it but not write it', async () => {
    const blocked = await blockedOnTheWay(join(base, 'open', 'inner'), stranger, Access.write);

    expect(blocked).toMatchObject({ path: join(base, 'open', 'inner'), mode: 0o755 });
  });

  it('reads the owner bits for the owner', async () => {
    const owner = { uid: process.getuid?.() ?? 0, gid: stranger.gid };

    expect(await blockedOnTheWay(join(base, 'closed', 'inner'), owner, Access.write)).toBeUndefined();
  });
});

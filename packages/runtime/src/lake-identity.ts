import {
  LakeIdentityMismatchError,
  LakeObjectNotFoundError,
  UnreadableLakeIdentityError,
} from './lake/errors';
import type { LakeStore } from './lake/lake-store';
import { LakeZone } from './lake-layout';
import type { PlatformInstanceStore } from './state/platform-instance';

/** Where the lake keeps its half of the platform's identity, under the lake root. */
export const lakeIdentityKey = '_totes/instance.json';

/** What a start found of the two halves of the identity. */
export interface FoundIdentity {
  /** The id the lake holds; null when it holds none. */
  readonly lakeId: string | null;
  /** The id the state schema holds; null when it holds none. */
  readonly stateId: string | null;
  /** Whether the lake holds any raw part (only asked when it holds no id). */
  readonly lakeHasRawData: boolean;
}

/** What a start does about the identity; see {@link decideLakeIdentity}. */
export const IdentityAction = {
  /** Both hold the same id: nothing to do. */
  matched: 'matched',
  /** A new lake and a new state: the first run writes a new id into both. */
  create: 'create',
  /** Raw data and no id anywhere, from a platform older than the identity: a new id into both. */
  adopt: 'adopt',
  /** An empty lake and a state with an id: the lake was lost, and is rebuilt from the source. */
  rebuild: 'rebuild',
  /** The lake belongs to another platform instance (or holds raw data that this state does not know). */
  refuse: 'refuse',
} as const;
export type IdentityAction = (typeof IdentityAction)[keyof typeof IdentityAction];

/** The pure decision: what the halves found mean. */
export function decideLakeIdentity({ lakeId, stateId, lakeHasRawData }: FoundIdentity): IdentityAction {
  if (lakeId !== null) return lakeId === stateId ? IdentityAction.matched : IdentityAction.refuse;
  if (stateId === null) return lakeHasRawData ? IdentityAction.adopt : IdentityAction.create;
  return lakeHasRawData ? IdentityAction.refuse : IdentityAction.rebuild;
}

/** What {@link ensureLakeIdentity} needs: the lake, the state's half, and the means to rebuild. */
export interface LakeIdentityPorts {
  readonly lake: LakeStore;
  readonly instances: PlatformInstanceStore;
  /** Moves every table back to the beginning, so every row is extracted again into the lake. */
  rewindAll(): Promise<void>;
  newId(): string;
  /** The state schema's name, for the error message. */
  readonly stateSchema: string;
}

/** The identity a start settled on, and how. */
export interface LakeIdentity {
  readonly instanceId: string;
  readonly action: Exclude<IdentityAction, 'refuse'>;
  /** The lake's URL. */
  readonly lake: string;
}

/**
 * Checks that the lake and the state schema belong to one platform instance before anything reads the lake, and
 * settles the identity when one half is missing (see {@link decideLakeIdentity}). Run it under the migration lock,
 * so the processes of one platform starting together settle it once.
 *
 * @throws {@link LakeIdentityMismatchError} for a lake of another instance: nothing was changed.
 */
export async function ensureLakeIdentity(ports: LakeIdentityPorts): Promise<LakeIdentity> {
  const lake = ports.lake.describe();
  const lakeId = await readLakeIdentity(ports.lake);
  const stateId = (await ports.instances.read())?.instanceId ?? null;
  const lakeHasRawData = lakeId === null && (await ports.lake.list(`${LakeZone.raw}/`)).length > 0;
  const action = decideLakeIdentity({ lakeId, stateId, lakeHasRawData });
  if (action === IdentityAction.refuse)
    throw new LakeIdentityMismatchError(lake, lakeId, stateId, ports.stateSchema);
  if (action === IdentityAction.matched && lakeId !== null) return { instanceId: lakeId, action, lake };
  if (action === IdentityAction.rebuild) await ports.rewindAll();
  const instanceId = stateId ?? ports.newId();
  // The state first: a start that stops before the lake's write finds an empty lake next time and writes it then.
  await ports.instances.record({ instanceId, lakeUrl: lake });
  const written = await claimLake(ports.lake, instanceId);
  // Another platform's start won the lake between our look and our write.
  if (written !== instanceId)
    throw new LakeIdentityMismatchError(lake, written, instanceId, ports.stateSchema);
  return { instanceId, action, lake };
}

/**
 * Makes the lake and the state share one id, whatever they held: the lake's id when it has one, else the state's,
 * else a new one. For an operator who knows the lake belongs to this warehouse (`totes lake adopt --yes`).
 */
export async function adoptLake(
  ports: Pick<LakeIdentityPorts, 'lake' | 'instances' | 'newId'>,
): Promise<{ instanceId: string; lakeId: string | null; stateId: string | null; lake: string }> {
  const lake = ports.lake.describe();
  const lakeId = await readLakeIdentity(ports.lake);
  const stateId = (await ports.instances.read())?.instanceId ?? null;
  const instanceId = lakeId ?? stateId ?? ports.newId();
  await ports.instances.record({ instanceId, lakeUrl: lake });
  if (lakeId === null) await ports.lake.put(lakeIdentityKey, identityBytes(instanceId));
  return { instanceId, lakeId, stateId, lake };
}

/**
 * The id the lake holds, or null when it holds none.
 *
 * @throws {@link UnreadableLakeIdentityError} for an identity object that is not one the platform wrote.
 */
export async function readLakeIdentity(lake: LakeStore): Promise<string | null> {
  let bytes: Uint8Array;
  try {
    bytes = await lake.get(lakeIdentityKey);
  } catch (error) {
    if (error instanceof LakeObjectNotFoundError) return null;
    throw error;
  }
  const unreadable = (reason: string) =>
    new UnreadableLakeIdentityError(lakeIdentityKey, lake.describe(), reason);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw unreadable('it is not JSON');
  }
  const instanceId = (parsed as { instanceId?: unknown } | null)?.instanceId;
  if (typeof instanceId !== 'string' || !uuidPattern.test(instanceId))
    throw unreadable('it holds no instanceId');
  return instanceId.toLowerCase();
}

// Writes the id only where none is; returns the id the lake holds afterwards, whoever wrote it.
async function claimLake(lake: LakeStore, instanceId: string): Promise<string | null> {
  if (await lake.putIfAbsent(lakeIdentityKey, identityBytes(instanceId))) return instanceId;
  return readLakeIdentity(lake);
}

function identityBytes(instanceId: string): Uint8Array {
  const document = { instanceId, createdAt: new Date().toISOString() };
  return new TextEncoder().encode(`${JSON.stringify(document, null, 2)}\n`);
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

import { InvalidLakeKeyError } from './errors';

/**
 * Bytes by key, whatever holds them (a local folder or an S3 bucket). Keys are `/`-separated and relative to
 * the lake root: no leading `/`, no empty, `.` or `..` segment.
 */
export interface LakeStore {
  /** Writes the object whole, replacing any previous one: a reader sees the old bytes or the new, never half. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * Writes the object whole only if no object is at the key (a local exclusive create; S3 `If-None-Match: *`), so
   * of two writers racing for one key exactly one wins. Resolves to whether this call wrote it.
   */
  putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean>;
  /** @throws {@link LakeObjectNotFoundError} when there is no object at the key. */
  get(key: string): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
  /**
   * Every key that starts with `prefix` (a plain string prefix, as in S3: end it with `/` to stay inside one
   * folder), sorted. `''` lists the whole lake.
   */
  list(prefix: string): Promise<string[]>;
  /** Removes the object; removing a missing object does nothing. */
  delete(key: string): Promise<void>;
  /** The lake's URL, for messages and logs; never holds credentials. */
  describe(): string;
}

/**
 * Checks that a key can live in any store and cannot escape the lake root.
 *
 * @throws {@link InvalidLakeKeyError}
 */
export function assertLakeKey(key: string, lake: string): void {
  if (key === '') throw new InvalidLakeKeyError(key, lake, 'it is empty');
  assertLakePrefix(key, lake);
  if (key.endsWith('/')) throw new InvalidLakeKeyError(key, lake, 'it ends with /');
}

/**
 * Checks a list prefix: like a key, but it may be empty or end with `/`.
 *
 * @throws {@link InvalidLakeKeyError}
 */
export function assertLakePrefix(prefix: string, lake: string): void {
  if (prefix.startsWith('/')) throw new InvalidLakeKeyError(prefix, lake, 'it starts with /');
  if (prefix.includes('\0')) throw new InvalidLakeKeyError(prefix, lake, 'it holds a NUL character');
  const segments = prefix.split('/');
  // A trailing `/` leaves one empty last segment, which a prefix may have.
  if (segments.slice(0, -1).some((segment) => segment === '')) {
    throw new InvalidLakeKeyError(prefix, lake, 'it has an empty segment (//)');
  }
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new InvalidLakeKeyError(prefix, lake, 'it has a . or .. segment');
  }
}

/** Orders keys by UTF-16 code units: the same order in every store and every locale. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

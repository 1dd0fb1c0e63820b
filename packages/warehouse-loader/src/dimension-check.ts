import type { DimensionModel, FactModel, FactReference } from '@totes/model';
import type { ColumnBatch } from '@totes/runtime';
import type pg from 'pg';
import { DimensionsNotReadyError } from './errors';
import { type AbsentKeys, absentKeys, referenceKeys, sortedKeys } from './reference-keys';

const dimensionPollMs = 200;
/** The distinct keys of one reference that a check holds before it asks. */
const keysPerCheck = 50_000;
/**
 * The missing keys of one reference that a poll asks about, spread over them: a dimension is loaded in chunks, so
 * a spread sample sees each chunk land, and a poll costs a hundred lookups, not 50 000.
 */
const keysPerPoll = 100;

/** How long a check waits in place for missing dimension rows before the message is deferred. */
export interface DimensionWait {
  /** Gives up once this long has passed with no missing row arriving and no load of the dimension due. */
  readonly idleMs: number;
  /** Gives up after this long in all, however the rows arrive. */
  readonly limitMs: number;
  /**
   * Whether a run under way is still to load the dimension (the run ledger knows): then the check waits for it,
   * up to {@link limitMs}, instead of deferring the message a few seconds at a time.
   */
  readonly due?: (dimension: DimensionModel) => Promise<boolean>;
}

/**
 * Throws {@link DimensionsNotReadyError} when the fact's `references` name a dimension row the warehouse does not
 * hold after waiting as `wait` says, asking again every 200 ms. The wait holds no transaction and no lock. Returns
 * how long it waited, in milliseconds.
 */
export async function checkDimensions(
  pool: pg.Pool,
  schema: string,
  wait: DimensionWait,
  fact: FactModel,
  references: AsyncIterable<ColumnBatch>,
): Promise<number> {
  let waitedMs = 0;
  const gathered = referenceKeys(fact);
  const absent = absentKeys(pool, schema, fact);
  // Each key gathered is asked about once; only those missing are asked about again.
  const settle = async () => {
    const missing = new Map<FactReference, string[]>();
    for (const [reference, seen] of gathered.keys) {
      if (seen.size === 0) continue;
      const found = await absent(reference, sortedKeys(seen));
      seen.clear();
      if (found.length > 0) missing.set(reference, found);
    }
    if (missing.size > 0) waitedMs += await waitForRows(missing, wait, absent, fact);
  };
  // Keys are checked whenever one reference has gathered enough of them, so memory stays bounded whatever the
  // batch's size (a payment fact references one transaction per row).
  for await (const batch of references) {
    gathered.gather(batch);
    if ([...gathered.keys.values()].some((seen) => seen.size >= keysPerCheck)) await settle();
  }
  await settle();
  return waitedMs;
}

/**
 * Waits for the missing rows, asking about a sample of each reference's keys every 200 ms and about all of them
 * once the sample is in. Waiting goes on while rows arrive or a run still has the dimension to load, for up to
 * `wait.limitMs`; with neither for `wait.idleMs`, it ends with {@link DimensionsNotReadyError}. Returns how long it
 * waited.
 */
async function waitForRows(
  missing: Map<FactReference, string[]>,
  wait: DimensionWait,
  absent: AbsentKeys,
  fact: FactModel,
): Promise<number> {
  const started = Date.now();
  let idleSince = started;
  while (missing.size > 0 && Date.now() - started < wait.limitMs) {
    if (Date.now() - idleSince >= wait.idleMs) {
      if (!(await loadDue(missing, wait))) break;
      idleSince = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, dimensionPollMs));
    if (await poll(missing, absent)) idleSince = Date.now();
  }
  if (missing.size > 0) {
    throw new DimensionsNotReadyError(
      fact.name,
      [...missing].map(([reference, keys]) => ({
        dimension: reference.dimension.name,
        keys: keys.slice(0, 5),
      })),
    );
  }
  return Date.now() - started;
}

/** Whether a run still has to load a dimension that rows are missing from. */
async function loadDue(missing: Map<FactReference, string[]>, wait: DimensionWait): Promise<boolean> {
  if (!wait.due) return false;
  for (const reference of missing.keys()) if (await wait.due(reference.dimension)) return true;
  return false;
}

/** Asks about a sample of the missing keys, and all of them once the sample is in; true if any has arrived. */
async function poll(missing: Map<FactReference, string[]>, absent: AbsentKeys): Promise<boolean> {
  let arrived = false;
  for (const [reference, keys] of missing) {
    const sample = spread(keys, keysPerPoll);
    const still = new Set(await absent(reference, sample));
    if (still.size === sample.length) continue;
    arrived = true;
    const asked = new Set(sample);
    const left =
      still.size === 0
        ? await absent(reference, keys)
        : keys.filter((key) => !asked.has(key) || still.has(key));
    if (left.length > 0) missing.set(reference, left);
    else missing.delete(reference);
  }
  return arrived;
}

/** At most `count` of `keys`, evenly spaced. */
function spread(keys: readonly string[], count: number): string[] {
  if (keys.length <= count) return [...keys];
  return Array.from(
    { length: count },
    (_, index) => keys[Math.floor((index * keys.length) / count)] as string,
  );
}

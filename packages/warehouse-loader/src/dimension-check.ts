import {
  type DimensionModel,
  type FactModel,
  type FactReference,
  factReferences,
  type LakeColumn,
  type LakeValue,
  processedColumnsOf,
} from '@totes/model';
import { type ColumnBatch, formatDate, isValidAt, type LakeVector, rowsOf } from '@totes/runtime';
import type pg from 'pg';
import { DimensionsNotReadyError } from './errors';
import { absentFromDimension, stagingType } from './staging';

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

/** The processed columns of a fact that reference a dimension: all a dimension check reads. */
export function referenceColumnsOf(fact: FactModel): LakeColumn[] {
  const references = new Set(factReferences(fact).map((reference) => reference.column));
  return processedColumnsOf(fact).filter((column) => references.has(column.name));
}

/**
 * Throws {@link DimensionsNotReadyError} when the fact's `references` name a dimension row the warehouse does not
 * hold after waiting as `wait` says, asking again every 200 ms. The wait holds no transaction and no lock.
 */
export async function checkDimensions(
  pool: pg.Pool,
  schema: string,
  wait: DimensionWait,
  fact: FactModel,
  references: AsyncIterable<ColumnBatch>,
): Promise<void> {
  const keys = new Map(factReferences(fact).map((reference) => [reference, new Set<LakeValue>()]));
  const absent = absentKeys(pool, schema, referenceColumnsOf(fact));
  // Each key gathered is asked about once; only those missing are asked about again.
  const settle = async () => {
    const missing = new Map<FactReference, string[]>();
    for (const [reference, seen] of keys) {
      if (seen.size === 0) continue;
      // In key order, so the lookups walk the dimension's index.
      const found = await absent(reference, [...seen].sort(byValue));
      seen.clear();
      if (found.length > 0) missing.set(reference, found);
    }
    await waitForRows(missing, wait, absent, fact);
  };
  // Keys are checked whenever one reference has gathered enough of them, so memory stays bounded whatever the
  // batch's size (a payment fact references one transaction per row).
  for await (const batch of references) {
    for (const [reference, seen] of keys) {
      const vector = batch.columns.find((candidate) => candidate.column.name === reference.column);
      if (vector) collectKeys(vector, seen);
    }
    if ([...keys.values()].some((seen) => seen.size >= keysPerCheck)) await settle();
  }
  await settle();
}

/** Asks which of some keys of a reference the warehouse does not hold: all of them, in key order, as text. */
type AbsentKeys = (reference: FactReference, keys: readonly unknown[]) => Promise<string[]>;

function absentKeys(pool: pg.Pool, schema: string, columns: readonly LakeColumn[]): AbsentKeys {
  const lakeOf = new Map(columns.map((column) => [column.name, column.lake]));
  return async ({ column, dimension }, keys) => {
    const lake = lakeOf.get(column) ?? 'string';
    // A key is given as its value (a date as its day number) or as the text this query returned: PostgreSQL
    // reads either into the array.
    const values = keys.map((key) => (lake === 'date' && typeof key === 'number' ? formatDate(key) : key));
    const { rows } = await pool.query<{ key: string }>(
      `SELECT k::text AS key FROM unnest($1::${stagingType[lake]}[]) AS k
       WHERE ${absentFromDimension(schema, dimension, 'k')} ORDER BY k`,
      [values],
    );
    return rows.map((row) => row.key);
  };
}

/**
 * Waits for the missing rows, asking about a sample of each reference's keys every 200 ms and about all of them
 * once the sample is in. Waiting goes on while rows arrive or a run still has the dimension to load, for up to
 * `wait.limitMs`; with neither for `wait.idleMs`, it ends with {@link DimensionsNotReadyError}.
 */
async function waitForRows(
  missing: Map<FactReference, string[]>,
  wait: DimensionWait,
  absent: AbsentKeys,
  fact: FactModel,
): Promise<void> {
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

function byValue(a: LakeValue, b: LakeValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** At most `count` of `keys`, evenly spaced. */
function spread(keys: readonly string[], count: number): string[] {
  if (keys.length <= count) return [...keys];
  return Array.from(
    { length: count },
    (_, index) => keys[Math.floor((index * keys.length) / count)] as string,
  );
}

// The distinct non-null values of a reference column: integers and days (a date as its day number, turned into
// text only for the query) straight from the column's buffer, anything else through its row form.
function collectKeys({ column, data }: LakeVector, seen: Set<LakeValue>): void {
  if (!data) return;
  if (column.lake === 'int32' || column.lake === 'date') {
    const values = data.values as Int32Array;
    for (let index = 0; index < data.length; index++)
      if (isValidAt(data, index)) seen.add(values[data.offset + index] as number);
    return;
  }
  for (const row of rowsOf({ length: data.length, columns: [{ column, data }] })) {
    const value = row[column.name];
    if (value !== null && value !== undefined) seen.add(value);
  }
}

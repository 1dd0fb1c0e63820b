import { deletedAtColumn, deriveFactRow, type LakeValue, ModelError, type Row } from '@totes/model';
import { checkResult, counted, createDifferenceLog, type DifferenceLog } from './differences';
import { type KeyGroup, mergeByKey } from './merge-by-key';
import type { FactShape } from './model-shapes';
import { compareTotals, createTotals, sumColumn, type Totals } from './totals';
import { CheckName, type CheckResult, DifferenceKind } from './types';
import { keyOf, sameValue } from './values';

/** What comparing one fact found. */
export interface FactComparison {
  /** The fact's checks: versions, unique versions, totals, and totals per currency and per day where it has them. */
  readonly checks: readonly CheckResult[];
  /** Per calendar dimension, every date that some row of the fact in the warehouse references. */
  readonly referencedDates: ReadonlyMap<string, ReadonlySet<string>>;
}

interface SidedTotals {
  readonly source: Totals;
  readonly warehouse: Totals;
}

/** What the pass over one fact accumulates, key by key. */
interface FactTally {
  readonly versions: DifferenceLog;
  readonly duplicates: DifferenceLog;
  readonly totals: { readonly table: SidedTotals; readonly currency: SidedTotals; readonly day: SidedTotals };
  readonly referencedDates: Map<string, Set<string>>;
  readonly counts: {
    sourceRows: number;
    factRows: number;
    versions: number;
    matched: number;
    history: number;
    deleted: number;
  };
}

/**
 * Reconciles one fact with its source table in a single ordered pass over both: the source rows (catalog columns,
 * ordered by primary key) and the fact rows (model columns, ordered by the version key). The source holds only
 * the current version of each row, so:
 * - every source row must have a fact row of its current version, with equal derived columns;
 * - fact rows of older versions are history, counted and never reported;
 * - a version key held twice, a version newer than the source's, and fact rows of a key gone from the source are
 *   reported, unless the key's latest version is marked `_deleted_at` (the final version a deletion adds): that is
 *   a match, and a deleted key counts in no total; a key marked deleted that the source still has is reported;
 * - rows and measure sums over the latest version of each key must match the source, in all, per currency and per
 *   day created.
 */
export async function compareFact(
  shape: FactShape,
  sourceRows: AsyncIterable<readonly Row[]>,
  factRows: AsyncIterable<readonly Row[]>,
  sampleLimit: number,
): Promise<FactComparison> {
  const measures = shape.measures.map((column) => column.name);
  const sided = (): SidedTotals => ({ source: createTotals(measures), warehouse: createTotals(measures) });
  const tally: FactTally = {
    versions: createDifferenceLog(sampleLimit),
    duplicates: createDifferenceLog(sampleLimit),
    totals: { table: sided(), currency: sided(), day: sided() },
    referencedDates: new Map(shape.calendarColumns.map(({ calendar }) => [calendar, new Set<string>()])),
    counts: { sourceRows: 0, factRows: 0, versions: 0, matched: 0, history: 0, deleted: 0 },
  };
  const groups = mergeByKey(
    sourceRows,
    (row: Row) => keyOf(row, shape.source.primaryKey),
    factRows,
    (row: Row) => keyOf(row, shape.keyColumn),
  );
  for await (const group of groups) reconcileKey(shape, tally, group);
  return { checks: factChecks(shape, tally, sampleLimit), referencedDates: tally.referencedDates };
}

/** A version of a source row as text that sorts in time order: `2024-11-16 14:20:52.186`. */
function versionOf(shape: FactShape, row: Row): string {
  return shape.versionColumns.map((column) => String(row[column] ?? '')).join(' ');
}

function addTotals(shape: FactShape, tally: FactTally, side: keyof SidedTotals, row: Row): void {
  tally.totals.table[side].add(null, row);
  if (shape.currencyColumn) tally.totals.currency[side].add(row[shape.currencyColumn] ?? null, row);
  if (shape.dayColumn) tally.totals.day[side].add(row[shape.dayColumn] ?? null, row);
}

/** The fact rows of one key by version, noting the dates they reference and any version held twice. */
function heldVersions(
  shape: FactShape,
  tally: FactTally,
  key: Record<string, LakeValue>,
  rows: readonly Row[],
): Map<string, Row[]> {
  const held = new Map<string, Row[]>();
  for (const row of rows) {
    const version = versionOf(shape, row);
    const same = held.get(version);
    if (same) same.push(row);
    else held.set(version, [row]);
    for (const { column, calendar } of shape.calendarColumns) {
      const date = row[column];
      if (typeof date === 'string') tally.referencedDates.get(calendar)?.add(date);
    }
  }
  for (const same of held.values()) {
    if (same.length < 2) continue;
    const versionKey: Record<string, LakeValue> = { ...key };
    for (const column of shape.versionColumns) versionKey[column] = same[0]?.[column] ?? null;
    tally.duplicates.add({
      kind: DifferenceKind.duplicate,
      key: versionKey,
      column: 'rows',
      source: 1,
      warehouse: same.length,
    });
  }
  return held;
}

/** Reconciles the source row of one key (if any) with the fact rows of that key. */
function reconcileKey(shape: FactShape, tally: FactTally, group: KeyGroup<Row, Row>): void {
  const key = { [shape.keyColumn]: group.key };
  const { counts, versions } = tally;
  counts.sourceRows += group.source.length;
  counts.factRows += group.warehouse.length;
  const held = heldVersions(shape, tally, key, group.warehouse);
  counts.versions += held.size;
  const latestVersion = [...held.keys()].sort().at(-1);
  const latest = latestVersion === undefined ? undefined : held.get(latestVersion)?.[0];
  const deletedAt = latest?.[deletedAtColumn] ?? null;
  // A deleted key is not part of the source's current state: it counts in no total.
  if (latest && deletedAt === null) addTotals(shape, tally, 'warehouse', latest);

  const [sourceRow] = group.source;
  if (sourceRow && deletedAt !== null) {
    versions.add({
      kind: DifferenceKind.markedDeleted,
      key,
      column: null,
      source: 'row',
      warehouse: deletedAt,
    });
    return;
  }
  if (!sourceRow && deletedAt !== null) {
    counts.deleted += 1;
    counts.history += group.warehouse.length - 1;
    return;
  }
  if (!sourceRow) {
    versions.add({
      kind: DifferenceKind.orphan,
      key,
      column: null,
      source: null,
      warehouse: latestVersion ?? null,
    });
    return;
  }
  let expected: Row;
  try {
    expected = deriveFactRow(shape.fact, sourceRow);
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    versions.add({
      kind: DifferenceKind.underivable,
      key,
      column: null,
      source: error.message,
      warehouse: null,
    });
    return;
  }
  addTotals(shape, tally, 'source', expected);
  const current = versionOf(shape, expected);
  for (const [version, rows] of held) if (version < current) counts.history += rows.length;

  // A source row whose last_updated went backwards: the warehouse is ahead, reported once as such.
  if (latestVersion !== undefined && latestVersion > current) {
    versions.add({
      kind: DifferenceKind.ahead,
      key,
      column: null,
      source: current,
      warehouse: latestVersion,
    });
    return;
  }
  const have = held.get(current)?.[0];
  if (!have) {
    versions.add({
      kind: latestVersion === undefined ? DifferenceKind.missing : DifferenceKind.stale,
      key,
      column: null,
      source: current,
      warehouse: latestVersion ?? null,
    });
    return;
  }
  let equal = true;
  for (const column of shape.fact.columns) {
    if (column.name === shape.keyColumn || shape.versionColumns.includes(column.name)) continue;
    const source = expected[column.name] ?? null;
    const warehouse = have[column.name] ?? null;
    if (sameValue(column.lake, source, warehouse)) continue;
    equal = false;
    versions.add({ kind: DifferenceKind.value, key, column: column.name, source, warehouse });
  }
  if (equal) counts.matched += 1;
}

function factChecks(shape: FactShape, tally: FactTally, sampleLimit: number): CheckResult[] {
  const { counts } = tally;
  const table = shape.fact.name;
  const measures = shape.measures.map((column) => column.name);
  const checks = [
    checkResult(
      CheckName.factVersions,
      table,
      `${counted(counts.sourceRows, 'source row')}, ${counted(counts.matched, 'current version')} equal, ` +
        `${counted(counts.history, 'older version')} kept as history` +
        (counts.deleted > 0 ? `, ${counted(counts.deleted, 'deleted key')} marked deleted` : ''),
      tally.versions,
    ),
    checkResult(
      CheckName.uniqueVersions,
      table,
      `${counted(counts.factRows, 'fact row')}, ${counted(counts.versions, 'distinct version')}`,
      tally.duplicates,
    ),
    totalsCheck(CheckName.totals, table, undefined, measures, tally.totals.table, sampleLimit),
  ];
  if (shape.currencyColumn) {
    checks.push(
      totalsCheck(
        CheckName.totalsPerCurrency,
        table,
        shape.currencyColumn,
        measures,
        tally.totals.currency,
        sampleLimit,
      ),
    );
  }
  if (shape.dayColumn) {
    checks.push(
      totalsCheck(CheckName.totalsPerDay, table, shape.dayColumn, measures, tally.totals.day, sampleLimit),
    );
  }
  return checks;
}

function totalsCheck(
  name: CheckName,
  table: string,
  groupColumn: string | undefined,
  measures: readonly string[],
  totals: SidedTotals,
  sampleLimit: number,
): CheckResult {
  const log = createDifferenceLog(sampleLimit);
  const groups = compareTotals(groupColumn, measures, totals.source, totals.warehouse, log);
  const compared = `${['rows', ...measures.map(sumColumn)].join(', ')} over the latest versions`;
  if (groupColumn !== undefined) {
    return checkResult(name, table, `${counted(groups, `${groupColumn} value`)}; ${compared}`, log);
  }
  const sourceRows = [...totals.source.groups.values()].reduce((sum, group) => sum + group.rows, 0);
  const keys = [...totals.warehouse.groups.values()].reduce((sum, group) => sum + group.rows, 0);
  return checkResult(
    name,
    table,
    `${counted(sourceRows, 'source row')} vs ${counted(keys, 'fact key')}; ${compared}`,
    log,
  );
}

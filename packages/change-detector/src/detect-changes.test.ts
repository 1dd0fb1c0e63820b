import { TableChanged, type Watermark } from '@totes/contracts';
import { findSourceTable, type SourceTable } from '@totes/model';
import {
  noHeldRows,
  type PendingChanges,
  SourceSchemaMismatchError,
  type TableState,
  type WatermarkStore,
} from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { detectChanges } from './detect-changes';
import type { DetectorPorts } from './types';

const runId = '3f0c8a52-6d1e-4b7a-9c2f-5e8d1a4b7c90';
const now = new Date('2024-11-15T10:00:05.000Z');
const leaseMs = 60_000;
const marginMs = 30_000;
const upTo = '2024-11-15T10:00:00.000';
/** The source's clock less the margin, as the detector reads it with its counts. */
const cap = '2024-11-15T10:00:00.000';
/** What the source counts: by default every row past the watermark is at or below the cap, none held. */
const counted = (found: Pick<PendingChanges, 'rows' | 'marginRows' | 'upTo'> & Partial<PendingChanges>) =>
  ({
    dueRows: found.rows,
    stampSum: String(found.rows * 1000),
    futureRows: 0,
    cap,
    ...found,
  }) satisfies PendingChanges;
const changedRows = (rows: number): PendingChanges => counted({ rows, marginRows: 0, upTo });
const nothingPending: PendingChanges = counted({ rows: 0, marginRows: 0, upTo: null });

function table(name: string): SourceTable {
  const found = findSourceTable(name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
}

/**
 * An in-memory watermark store that claims the way the Postgres one does; `extracted` holds, per table, the
 * positions where past extractions ended, for a rewind.
 */
function memoryWatermarks(
  initial: Partial<Record<string, Partial<TableState>>> = {},
  extracted: Record<string, Watermark[]> = {},
) {
  const states = new Map<string, TableState>(
    Object.entries(initial).map(([name, state]): [string, TableState] => [
      name,
      { table: name, watermark: null, claim: null, marginRows: 0, held: noHeldRows, ...state },
    ]),
  );
  const claims: { table: string; upTo: string; at: Date }[] = [];
  const store: WatermarkStore = {
    async get(name) {
      return (
        states.get(name) ?? { table: name, watermark: null, claim: null, marginRows: 0, held: noHeldRows }
      );
    },
    async claim(name, upTo, at) {
      claims.push({ table: name, upTo, at });
      const state = await store.get(name);
      states.set(name, { ...state, claim: { upTo, claimedAt: at } });
    },
    async advance() {
      throw new Error('the detector never advances a watermark');
    },
    async releaseAllClaims() {},
    async rewindBeyond(name, cap) {
      const state = await store.get(name);
      if (!state.watermark || state.watermark.lastUpdated <= cap) return state;
      const to = (extracted[name] ?? [])
        .filter((position) => position.lastUpdated <= cap)
        .sort((a, b) => (a.lastUpdated < b.lastUpdated ? 1 : -1))[0];
      const rewound = { ...state, watermark: to ?? null, claim: null, marginRows: 0, held: noHeldRows };
      states.set(name, rewound);
      return rewound;
    },
  };
  return { store, claims };
}

/** Tables stopped by drift, and the ones whose live schema still drifts (the others are fixed). */
interface DriftState {
  stopped: string[];
  stillDrifted: string[];
}

function ports(
  tables: string[],
  pending: (name: string) => PendingChanges,
  watermarks: WatermarkStore,
  drift: DriftState = { stopped: [], stillDrifted: [] },
): DetectorPorts & {
  asked: { table: string; after: Watermark | null; marginFrom: string | null }[];
  cleared: string[];
} {
  const asked: { table: string; after: Watermark | null; marginFrom: string | null }[] = [];
  const cleared: string[] = [];
  return {
    cleared,
    drift: {
      list: async () =>
        drift.stopped.map((table) => ({ table, problem: `${table} drifted`, detectedAt: now })),
      async clear(table) {
        cleared.push(table);
        return true;
      },
    },
    async checkSchema(source) {
      if (drift.stillDrifted.includes(source.name))
        throw new SourceSchemaMismatchError(source.name, 'drifted');
      return { addedColumns: [] };
    },
    tables: tables.map(table),
    watermarks,
    now: () => now,
    claimLeaseMs: leaseMs,
    lateCommitMarginMs: marginMs,
    deleteChecks: { lastChecked: async () => null, record: async () => {} },
    deleteCheckIntervalMs: 0,
    asked,
    async findPendingChanges(source, after, marginFrom) {
      asked.push({ table: source.name, after, marginFrom });
      return pending(source.name);
    },
  };
}

describe('detectChanges', () => {
  it.each([
    ['an empty table', nothingPending, 0],
    ['no rows past the watermark', counted({ rows: 0, marginRows: 0, upTo: '2024-11-15T09:00:00.000' }), 0],
    ['as many rows in the margin as the last extraction saw', counted({ rows: 0, marginRows: 2, upTo }), 2],
    ['fewer rows in the margin than the last extraction saw', counted({ rows: 0, marginRows: 1, upTo }), 2],
  ])('publishes nothing and claims nothing for %s', async (_case, pending, marginRows) => {
    const watermark = { lastUpdated: '2024-11-15T09:00:00.000', id: 4 };
    const { store, claims } = memoryWatermarks({ staff: { watermark, marginRows } });

    const result = await detectChanges(
      runId,
      ports(['staff'], () => pending, store),
    );

    expect(result).toEqual({
      runId,
      changes: [],
      files: [],
      quarantinedFiles: [],
      deleteChecks: [],
      resumed: [],
      rewound: [],
      skipped: [{ table: 'staff', reason: 'unchanged' }],
    });
    expect(claims).toEqual([]);
  });

  it('asks for the window from the stored watermark to the pending upTo, re-reading the margin, and claims it', async () => {
    const watermark = { lastUpdated: '2024-11-15T09:00:00.000', id: 4 };
    const { store, claims } = memoryWatermarks({ staff: { watermark } });
    const detector = ports(['staff'], () => changedRows(3), store);

    const result = await detectChanges(runId, detector);

    expect(detector.asked).toEqual([
      { table: 'staff', after: watermark, marginFrom: '2024-11-15T08:59:30.000' },
    ]);
    expect(result.skipped).toEqual([]);
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({
      type: 'table.changed',
      version: 1,
      runId,
      causationId: null,
      table: 'staff',
      window: { after: watermark, rereadFrom: '2024-11-15T08:59:30.000', upTo },
      rows: 3,
    });
    expect(TableChanged.safeParse(result.changes[0]).success).toBe(true);
    expect(claims).toEqual([{ table: 'staff', upTo, at: now }]);
  });

  it('asks for a first extraction of the whole table when it has no watermark', async () => {
    const { store } = memoryWatermarks();
    const detector = ports(['design'], () => changedRows(10), store);

    const result = await detectChanges(runId, detector);

    expect(detector.asked).toEqual([{ table: 'design', after: null, marginFrom: null }]);
    expect(result.changes[0]?.window).toEqual({ after: null, rereadFrom: null, upTo });
  });

  it('asks again for a table whose margin holds more rows than the last extraction saw: a late commit', async () => {
    const watermark = { lastUpdated: '2024-11-15T09:00:00.000', id: 4 };
    const { store } = memoryWatermarks({ staff: { watermark, marginRows: 2 } });

    const result = await detectChanges(
      runId,
      ports(['staff'], () => counted({ rows: 0, marginRows: 3, upTo: '2024-11-15T09:00:00.000' }), store),
    );

    expect(result.changes.map((change) => [change.rows, change.window])).toEqual([
      [1, { after: watermark, rereadFrom: '2024-11-15T08:59:30.000', upTo: '2024-11-15T09:00:00.000' }],
    ]);
  });

  it('does not ask twice while its claim is fresh: the second cycle reports the extraction in flight', async () => {
    const { store, claims } = memoryWatermarks();
    const detector = ports(['staff'], () => changedRows(3), store);

    await detectChanges(runId, detector);
    const second = await detectChanges(runId, detector);

    expect(second.changes).toEqual([]);
    expect(second.skipped).toEqual([{ table: 'staff', reason: 'extraction-in-flight' }]);
    expect(detector.asked).toHaveLength(1);
    expect(claims).toHaveLength(1);
  });

  const claimedAgo = (age: number) =>
    memoryWatermarks({
      staff: { claim: { upTo: '2024-11-15T09:00:00.000', claimedAt: new Date(now.getTime() - age) } },
    }).store;
  const changedStaff = (store: WatermarkStore) => ports(['staff'], () => changedRows(1), store);

  it.each([0, leaseMs - 1])('does not ask again while its claim is %i ms old', async (age) => {
    const result = await detectChanges(runId, changedStaff(claimedAgo(age)));

    expect(result).toEqual({
      runId,
      changes: [],
      files: [],
      quarantinedFiles: [],
      deleteChecks: [],
      resumed: [],
      rewound: [],
      skipped: [{ table: 'staff', reason: 'extraction-in-flight' }],
    });
  });

  it.each([leaseMs, leaseMs * 10])(
    'asks again once its claim is %i ms old (the lease ran out)',
    async (age) => {
      const result = await detectChanges(runId, changedStaff(claimedAgo(age)));

      expect(result.changes.map((change) => [change.table, change.window.upTo])).toEqual([
        ['staff', '2024-11-15T10:00:00.000'],
      ]);
      expect(result.skipped).toEqual([]);
    },
  );

  it('reports a failing table as failed, with its error, and still detects the others', async () => {
    const { store } = memoryWatermarks();
    const outage = new Error('relation "design" does not exist');
    const detector = ports(
      ['staff', 'design', 'currency'],
      (name) => {
        if (name === 'design') throw outage;
        return changedRows(1);
      },
      store,
    );

    const result = await detectChanges(runId, detector);

    expect(result.changes.map((change) => change.table)).toEqual(['staff', 'currency']);
    expect(result.skipped).toEqual([{ table: 'design', reason: 'failed', error: outage }]);
  });

  it('gives every change of a cycle the cycle runId and its own message id', async () => {
    const { store } = memoryWatermarks();

    const result = await detectChanges(
      runId,
      ports(['staff', 'currency'], () => changedRows(1), store),
    );

    expect(result.changes.map((change) => change.runId)).toEqual([runId, runId]);
    expect(new Set(result.changes.map((change) => change.id)).size).toBe(2);
  });

  it('skips a table stopped by schema drift while it still drifts, and detects the others', async () => {
    const { store, claims } = memoryWatermarks();
    const detector = ports(['staff', 'design'], () => changedRows(1), store, {
      stopped: ['staff'],
      stillDrifted: ['staff'],
    });

    const result = await detectChanges(runId, detector);

    expect(result.changes.map((change) => change.table)).toEqual(['design']);
    expect(result.skipped).toEqual([{ table: 'staff', reason: 'schema-drift' }]);
    expect(detector.asked.map((ask) => ask.table)).toEqual(['design']);
    expect(claims.map((claim) => claim.table)).toEqual(['design']);
    expect(detector.cleared).toEqual([]);
  });

  it('clears the drift of a stopped table whose schema is fixed, and asks for its changes in the same cycle', async () => {
    const { store } = memoryWatermarks();
    const detector = ports(['staff'], () => changedRows(2), store, { stopped: ['staff'], stillDrifted: [] });

    const result = await detectChanges(runId, detector);

    expect(detector.cleared).toEqual(['staff']);
    expect(result.resumed).toEqual(['staff']);
    expect(result.changes.map((change) => [change.table, change.rows])).toEqual([['staff', 2]]);
  });

  describe('a row stamped in the future', () => {
    const watermark = { lastUpdated: '2024-11-15T09:00:00.000', id: 4 };
    const future = '2030-01-01T00:00:00.000';
    /** One design held past the watermark, stamped in 2030; its stamp in epoch milliseconds. */
    const held = { rows: 1, stampSum: '1893456000000' };

    it('asks for nothing while the only rows past the watermark are the ones the last extraction held there', async () => {
      const { store, claims } = memoryWatermarks({ design: { watermark, held } });
      const pending = counted({
        rows: 1,
        marginRows: 0,
        upTo: future,
        dueRows: 0,
        futureRows: 1,
        stampSum: held.stampSum,
      });

      const result = await detectChanges(
        runId,
        ports(['design'], () => pending, store),
      );

      expect(result.changes).toEqual([]);
      expect(result.skipped).toEqual([{ table: 'design', reason: 'unchanged' }]);
      expect(claims).toEqual([]);
    });

    it('asks for a row renamed now, below a row stamped in the future, and counts only the new row', async () => {
      const { store } = memoryWatermarks({ design: { watermark, held } });
      const pending = counted({
        rows: 2,
        marginRows: 0,
        upTo: future,
        dueRows: 0,
        futureRows: 1,
        stampSum: '3625120805000',
      });

      const result = await detectChanges(
        runId,
        ports(['design'], () => pending, store),
      );

      expect(result.changes.map((change) => [change.rows, change.window])).toEqual([
        [1, { after: watermark, rereadFrom: '2024-11-15T08:59:30.000', upTo: future }],
      ]);
    });

    it('asks again when a held row changed its stamp, though the count past the watermark is the same', async () => {
      const { store } = memoryWatermarks({ design: { watermark, held } });
      const pending = counted({
        rows: 1,
        marginRows: 0,
        upTo: '2031-01-01T00:00:00.000',
        dueRows: 0,
        futureRows: 1,
        stampSum: '1924992000000',
      });

      const result = await detectChanges(
        runId,
        ports(['design'], () => pending, store),
      );

      expect(result.changes.map((change) => change.table)).toEqual(['design']);
    });

    it('asks once the clock has passed rows held past the watermark, so that the watermark moves past them', async () => {
      const { store } = memoryWatermarks({ design: { watermark, held } });
      const pending = counted({
        rows: 1,
        marginRows: 0,
        upTo: '2024-11-15T09:59:00.000',
        dueRows: 1,
        stampSum: held.stampSum,
      });

      const result = await detectChanges(
        runId,
        ports(['design'], () => pending, store),
      );

      expect(result.changes.map((change) => [change.table, change.rows])).toEqual([['design', 0]]);
    });

    it('moves a watermark beyond the source clock back to the last extraction at or below it, and asks for the rows after it', async () => {
      const beyond = { lastUpdated: future, id: 1 };
      const { store } = memoryWatermarks(
        { design: { watermark: beyond, marginRows: 1 } },
        { design: [watermark, beyond] },
      );
      const detector = ports(['design'], () => changedRows(1), store);

      const result = await detectChanges(runId, detector);

      expect(result.rewound).toEqual([{ table: 'design', from: beyond, to: watermark, cap }]);
      expect(detector.asked.map((ask) => ask.after)).toEqual([beyond, watermark]);
      expect(result.changes.map((change) => change.window)).toEqual([
        { after: watermark, rereadFrom: '2024-11-15T08:59:30.000', upTo },
      ]);
      expect((await store.get('design')).watermark).toEqual(watermark);
    });

    it('reads a table whole again when no extraction ended at or below the source clock', async () => {
      const beyond = { lastUpdated: future, id: 1 };
      const { store } = memoryWatermarks({ design: { watermark: beyond } }, { design: [beyond] });
      const detector = ports(['design'], () => changedRows(5), store);

      const result = await detectChanges(runId, detector);

      expect(result.rewound).toEqual([{ table: 'design', from: beyond, to: null, cap }]);
      expect(result.changes.map((change) => change.window)).toEqual([
        { after: null, rereadFrom: null, upTo },
      ]);
    });
  });
});

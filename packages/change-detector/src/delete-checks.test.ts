import type { DeletesCheckRequested, Watermark } from '@totes/contracts';
import { DeletesCheckRequested as DeletesCheckRequestedSchema } from '@totes/contracts';
import { findSourceTable, type SourceTable } from '@totes/model';
import { noHeldRows, type TableState } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { DeleteCheckDecision, deleteCheckDecision, requestDeleteChecks } from './delete-checks';
import type { DetectorPorts } from './types';

const now = new Date('2024-12-01T08:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const watermark: Watermark = { lastUpdated: '2024-11-30T00:00:00.000', id: 3 };

function ports(options: {
  lastChecked: Record<string, Date>;
  watermarks: Record<string, Watermark | null>;
  intervalMs: number;
}) {
  const recorded: [string, Date][] = [];
  const fake = {
    now: () => now,
    deleteCheckIntervalMs: options.intervalMs,
    deleteChecks: {
      lastChecked: async (table: string) => options.lastChecked[table] ?? null,
      async record(table: string, at: Date) {
        recorded.push([table, at]);
      },
    },
    watermarks: {
      get: async (table: string): Promise<TableState> => ({
        table,
        watermark: options.watermarks[table] ?? null,
        claim: null,
        marginRows: 0,
        held: noHeldRows,
      }),
    },
  } as unknown as DetectorPorts;
  return { ports: fake, recorded };
}

const tables = ['design', 'payment', 'staff'].map((name) => findSourceTable(name) as SourceTable);
const tablesOf = (requests: readonly DeletesCheckRequested[]) => requests.map((request) => request.table);

describe('deleteCheckDecision', () => {
  it.each([
    ['never checked', null, 600_000, false, DeleteCheckDecision.start],
    ['checked within the interval', minutesAgo(9), 600_000, false, DeleteCheckDecision.wait],
    ['checked an interval ago', minutesAgo(10), 600_000, false, DeleteCheckDecision.due],
    ['off (interval 0)', minutesAgo(60), 0, false, DeleteCheckDecision.wait],
    ['forced, though checked a moment ago', minutesAgo(0), 600_000, true, DeleteCheckDecision.due],
  ] as const)('decides %s: %s', (_case, last, interval, force, decision) => {
    expect(deleteCheckDecision(last, now, interval, force)).toBe(decision);
  });
});

describe('requestDeleteChecks', () => {
  it('asks for the check of each table whose cadence came round, and records when', async () => {
    const fake = ports({
      lastChecked: { design: minutesAgo(11), payment: minutesAgo(2), staff: minutesAgo(30) },
      watermarks: { design: watermark, payment: watermark, staff: watermark },
      intervalMs: 600_000,
    });

    const requests = await requestDeleteChecks(
      '3f0c8a52-6d1e-4b7a-9c2f-5e8d1a4b7c90',
      tables,
      fake.ports,
      false,
    );

    expect(tablesOf(requests)).toEqual(['design', 'staff']);
    expect(requests.every((request) => DeletesCheckRequestedSchema.safeParse(request).success)).toBe(true);
    expect(fake.recorded).toEqual([
      ['design', now],
      ['staff', now],
    ]);
  });

  it('starts the cadence of a table never checked, without checking it yet', async () => {
    const fake = ports({ lastChecked: {}, watermarks: { design: watermark }, intervalMs: 600_000 });

    const requests = await requestDeleteChecks(
      '3f0c8a52-6d1e-4b7a-9c2f-5e8d1a4b7c90',
      tables,
      fake.ports,
      false,
    );

    expect(requests).toEqual([]);
    expect(fake.recorded).toEqual([['design', now]]);
  });

  it('asks nothing of a table never extracted, even when forced: the lake holds nothing to reconcile', async () => {
    const fake = ports({ lastChecked: {}, watermarks: { design: watermark }, intervalMs: 0 });

    const requests = await requestDeleteChecks(
      '3f0c8a52-6d1e-4b7a-9c2f-5e8d1a4b7c90',
      tables,
      fake.ports,
      true,
    );

    expect(tablesOf(requests)).toEqual(['design']);
  });
});

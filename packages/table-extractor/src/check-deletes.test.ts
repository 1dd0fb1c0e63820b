import { DeletesCheckRequested, newEnvelope, type TableExtracted } from '@totes/contracts';
import type { Row } from '@totes/model';
import { deletesKey, type ExtractionEntry, noHeldRows } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { checkDeletes } from './check-deletes';
import type { ExtractorPorts } from './types';

const now = '2024-12-01T08:00:00.000';
const watermark = { lastUpdated: '2024-11-30T00:00:00.000', id: 2 };
const design = (id: number): Row => ({
  design_id: id,
  created_at: '2024-11-01T00:00:00.000',
  design_name: `Design ${id}`,
  file_location: '/designs',
  file_name: `design-${id}.json`,
  last_updated: '2024-11-01T00:00:00.000',
  _deleted_at: null,
});

function request(): DeletesCheckRequested {
  return DeletesCheckRequested.parse({
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
    type: 'table.changed',
    kind: 'deletes',
    table: 'design',
  });
}

/** Ports over a lake of one part and a source holding `keys`; the writer drains what it is given. */
function fakePorts(keys: number[]) {
  const calls: string[] = [];
  const written: { key: string; rows: Row[] }[] = [];
  const published: TableExtracted[] = [];
  const recorded: ExtractionEntry[] = [];
  const fakes: Partial<ExtractorPorts> = {
    async checkSchema() {
      return { addedColumns: [] };
    },
    async listRaw() {
      return ['raw/design/a/part-00000.parquet'];
    },
    readDataset: (_object, columns) =>
      (async function* () {
        yield [design(1), design(2)].map((row) =>
          Object.fromEntries(columns.map((column) => [column.name, row[column.name] ?? null])),
        );
      })(),
    async sourceKeys(_table, from, to) {
      return { keys: keys.filter((key) => key >= from && key < to), now };
    },
    async writeDataset(key, _columns, batches) {
      calls.push('writeDataset');
      const rows: Row[] = [];
      for await (const batch of batches) rows.push(...batch);
      written.push({ key, rows });
      return {
        key,
        parts: rows.length > 0 ? [`${key}/part-00000.parquet`] : [],
        rows: rows.length,
        bytes: 1,
      };
    },
    async publish(message) {
      calls.push('publish');
      published.push(message);
    },
    watermarks: {
      get: async (table) => ({ table, watermark, claim: null, marginRows: 0, held: noHeldRows }),
      async advance() {
        calls.push('advance');
      },
      claim: async () => {},
      releaseAllClaims: async () => {},
      rewindBeyond: async () => {
        throw new Error('a delete check never moves a watermark back');
      },
    },
    runs: {
      async recordExtraction(entry) {
        calls.push('recordExtraction');
        recorded.push(entry);
      },
    },
    async completeRun() {
      calls.push('completeRun');
    },
  };
  const ports = fakes as ExtractorPorts;
  return { ports, calls, written, published, recorded };
}

describe('checkDeletes', () => {
  it('writes the tombstones to a folder named by the request, announces them to the dependent models, and never moves the watermark', async () => {
    const message = request();
    const fake = fakePorts([1]);

    const outcome = await checkDeletes(message, fake.ports);

    expect(fake.calls).toEqual(['writeDataset', 'recordExtraction', 'publish']);
    expect(fake.written[0]?.key).toBe(deletesKey('design', message));
    expect(fake.written[0]?.rows).toEqual([{ ...design(2), last_updated: now, _deleted_at: now }]);
    expect(fake.published[0]).toMatchObject({
      kind: 'deletes',
      table: 'design',
      checkedAt: now,
      causationId: message.id,
    });
    expect(fake.recorded[0]).toMatchObject({
      windowAfter: watermark,
      lastRow: null,
      rows: 1,
      models: ['dim_design'],
    });
    expect(outcome).toMatchObject({ kind: 'deletes', deleted: 1 });
  });

  it('announces nothing and completes the run at once when nothing was deleted', async () => {
    const fake = fakePorts([1, 2]);

    const outcome = await checkDeletes(request(), fake.ports);

    expect(fake.calls).toEqual(['writeDataset', 'recordExtraction', 'completeRun']);
    expect(fake.written[0]?.rows).toEqual([]);
    expect(fake.recorded[0]).toMatchObject({ rows: 0, models: [] });
    expect(outcome).toEqual({ kind: 'deletes', table: 'design', deleted: 0, extracted: null });
  });
});

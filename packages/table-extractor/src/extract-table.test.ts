import {
  type ChangeWindow,
  type LakeObject,
  newEnvelope,
  type Watermark,
  WindowChanged,
} from '@totes/contracts';
import type { LakeColumn, Row } from '@totes/model';
import {
  columnBatchOf,
  type ExtractionEntry,
  type HeldRows,
  noHeldRows,
  rawKey,
  rowsOf,
  type SourceHorizon,
  SourceSchemaMismatchError,
} from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { NoSourceClockError, UnknownSourceTableError } from './errors';
import { extractTable } from './extract-table';
import type { ExtractionOutcome, ExtractionResult, ExtractorPorts } from './types';

const after = { lastUpdated: '2024-11-15T09:00:00.000', id: 4 };
const upTo = '2024-11-15T10:00:00.000';
const window: ChangeWindow = { after, rereadFrom: '2024-11-15T08:59:00.000', upTo };

function changed(table: string, changeWindow: ChangeWindow = window): WindowChanged {
  return WindowChanged.parse({
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: null }),
    type: 'table.changed',
    table,
    window: changeWindow,
    rows: 3,
  });
}

const staff = (id: number, lastUpdated: string): Row => ({
  staff_id: id,
  first_name: `S${id}`,
  last_updated: lastUpdated,
});

// The columns of the fake source's batches: the key and the cursor, which the tracker reads, and one more.
const staffColumns: LakeColumn[] = [
  { name: 'staff_id', lake: 'int32', nullable: false },
  { name: 'first_name', lake: 'string', nullable: false },
  { name: 'last_updated', lake: 'timestamp', nullable: false },
];
const batchOf = (rows: Row[]) => columnBatchOf(staffColumns, rows);

/** The outcome of an extraction that was expected to go through. */
function extracted(outcome: ExtractionOutcome): ExtractionResult {
  if (outcome.kind !== 'extracted') throw new Error(`expected an extraction, got ${outcome.kind}`);
  return outcome;
}

/** Ports that record every call in order; the read yields each array of rows as a column batch, and the writer
 * drains the batches it is given, as the lake does. */
function fakePorts(
  batches: Row[][],
  options: {
    publish?: () => Promise<void>;
    addedColumns?: string[];
    drift?: string;
    /** What the read reports of the source's clock; by default a cap past every row, nothing held. */
    horizon?: SourceHorizon;
  } = {},
) {
  const calls: string[] = [];
  const written: { key: string; columns: string[]; rows: Row[] }[] = [];
  const published: unknown[] = [];
  const advanced: [string, Watermark | null, string, number][] = [];
  const held: (HeldRows | undefined)[] = [];
  const recorded: ExtractionEntry[] = [];
  const completed: string[] = [];
  const drifts: [string, string][] = [];
  const object: LakeObject = { key: 'k', parts: ['k/part-00000.parquet'], rows: 0, bytes: 10 };
  const ports: ExtractorPorts = {
    async checkSchema(table) {
      calls.push(`checkSchema ${table.name}`);
      if (options.drift) throw new SourceSchemaMismatchError(table.name, options.drift);
      return { addedColumns: options.addedColumns ?? [] };
    },
    readWindow(table, read, horizon) {
      calls.push(`readWindow ${table.name} ${JSON.stringify(read)}`);
      return (async function* () {
        horizon.report(options.horizon ?? { cap: '2100-01-01T00:00:00.000', held: noHeldRows });
        yield* batches.map(batchOf);
      })();
    },
    async writeColumns(key, columns, batches) {
      calls.push('writeColumns');
      const all: Row[] = [];
      for await (const batch of batches) all.push(...rowsOf(batch));
      written.push({ key, columns: columns.map((column) => column.name), rows: all });
      return { ...object, key, rows: all.length };
    },
    writeDataset: async () => {
      throw new Error('a window extraction writes columns, not rows');
    },
    async publish(message) {
      calls.push('publish');
      published.push(message);
      await options.publish?.();
    },
    watermarks: {
      get: async () => {
        throw new Error('the extractor never reads a watermark');
      },
      claim: async () => {
        throw new Error('the extractor never claims');
      },
      async advance(table, to, windowUpTo, marginRows, heldRows) {
        calls.push('advance');
        advanced.push([table, to, windowUpTo, marginRows]);
        held.push(heldRows);
      },
      releaseAllClaims: async () => {},
      rewindBeyond: async () => {
        throw new Error('the extractor never rewinds');
      },
    },
    runs: {
      async recordExtraction(entry) {
        calls.push('recordExtraction');
        recorded.push(entry);
      },
    },
    drift: {
      async record(table, problem) {
        calls.push('recordDrift');
        drifts.push([table, problem]);
      },
    },
    lateCommitMarginMs: 60_000,
    listRaw: async () => {
      throw new Error('a window extraction never lists the lake');
    },
    readDataset: () => {
      throw new Error('a window extraction never reads the lake');
    },
    sourceKeys: async () => {
      throw new Error('a window extraction never reads the source keys');
    },
    async completeRun(cause) {
      calls.push('completeRun');
      completed.push(cause.id);
    },
  };
  return { ports, calls, written, published, advanced, held, recorded, completed, drifts };
}

describe('extractTable', () => {
  it('writes the window to a folder named by it, records and publishes it, and only then advances the watermark', async () => {
    const message = changed('staff');
    const fake = fakePorts([
      [staff(5, '2024-11-15T09:10:00.000'), staff(2, '2024-11-15T09:20:00.000')],
      [staff(7, '2024-11-15T10:00:00.000')],
    ]);

    await extractTable(message, fake.ports);

    expect(fake.calls).toEqual([
      'checkSchema staff',
      `readWindow staff ${JSON.stringify(window)}`,
      'writeColumns',
      'recordExtraction',
      'publish',
      'advance',
    ]);
    expect(fake.written).toEqual([
      {
        key: rawKey('staff', window),
        columns: [
          'staff_id',
          'created_at',
          'first_name',
          'last_name',
          'department_id',
          'email_address',
          'last_updated',
        ],
        rows: [
          staff(5, '2024-11-15T09:10:00.000'),
          staff(2, '2024-11-15T09:20:00.000'),
          staff(7, '2024-11-15T10:00:00.000'),
        ],
      },
    ]);
    expect(fake.written[0]?.key).toMatch(/^raw\/staff\/2024-11-15\/2024-11-15T100000\.000-[0-9a-f]{12}$/);
    expect(fake.advanced).toEqual([['staff', { lastUpdated: '2024-11-15T10:00:00.000', id: 7 }, upTo, 1]]);
  });

  it('keeps the watermark at the last row at or below the source clock less the margin, and writes and holds the rows stamped after it', async () => {
    const future = staff(9, '2030-01-01T00:00:00.000');
    const heldRows = { rows: 2, stampSum: '1893456000000' };
    const fake = fakePorts(
      [
        [staff(5, '2024-11-15T09:10:00.000'), staff(2, '2024-11-15T09:20:00.000')],
        [staff(3, '2024-11-15T09:31:00.000'), future],
      ],
      { horizon: { cap: '2024-11-15T09:30:00.000', held: heldRows } },
    );

    const result = extracted(await extractTable(changed('staff'), fake.ports));

    expect(fake.written[0]?.rows).toHaveLength(4);
    expect(fake.advanced).toEqual([['staff', { lastUpdated: '2024-11-15T09:20:00.000', id: 2 }, upTo, 1]]);
    expect(fake.held).toEqual([heldRows]);
    expect(result.extracted.watermark).toEqual({ lastUpdated: '2024-11-15T09:20:00.000', id: 2 });
    expect(fake.recorded[0]?.lastRow).toEqual({ lastUpdated: '2024-11-15T09:20:00.000', id: 2 });
  });

  it('fails before the watermark moves when the read does not report the source clock', async () => {
    const fake = fakePorts([[staff(7, '2024-11-15T09:59:59.999')]]);
    fake.ports.readWindow = () =>
      (async function* () {
        yield batchOf([staff(7, '2024-11-15T09:59:59.999')]);
      })();

    await expect(extractTable(changed('staff'), fake.ports)).rejects.toBeInstanceOf(NoSourceClockError);
    expect(fake.calls).not.toContain('advance');
  });

  it('announces the extracted rows, caused by the change, with the last row as the new watermark', async () => {
    const message = changed('staff');
    const fake = fakePorts([[staff(7, '2024-11-15T09:59:59.999')]], { addedColumns: ['nickname'] });

    const result = extracted(await extractTable(message, fake.ports));

    expect(fake.published).toEqual([result.extracted]);
    expect(result.extracted).toMatchObject({
      type: 'table.extracted',
      runId: message.runId,
      causationId: message.id,
      table: 'staff',
      window,
      watermark: { lastUpdated: '2024-11-15T09:59:59.999', id: 7 },
      object: { key: rawKey('staff', window), rows: 1 },
    });
    expect(result.lastRow).toEqual({ lastUpdated: '2024-11-15T09:59:59.999', id: 7 });
    expect(result.addedColumns).toEqual(['nickname']);
  });

  it('records the extraction in the run ledger with every model that must load it', async () => {
    const message = changed('staff');
    const fake = fakePorts([[staff(7, '2024-11-15T10:00:00.000')]]);

    const result = extracted(await extractTable(message, fake.ports));

    expect(fake.recorded).toEqual([
      {
        extractionId: result.extracted.id,
        runId: message.runId,
        table: 'staff',
        windowAfter: after,
        lastRow: { lastUpdated: '2024-11-15T10:00:00.000', id: 7 },
        rows: 1,
        models: ['dim_staff'],
      },
    ]);
    expect(fake.completed).toEqual([]);
  });

  it('gives a retried extraction of the same change the same message id', async () => {
    const message = changed('staff');

    const first = extracted(await extractTable(message, fakePorts([[staff(7, upTo)]]).ports));
    const retry = extracted(await extractTable(message, fakePorts([[staff(7, upTo)]]).ports));

    expect(retry.extracted.id).toBe(first.extracted.id);
    expect(first.extracted.id).not.toBe(message.id);
  });

  it('counts the rows it saw within the safety margin below the new watermark, for the detector', async () => {
    const fake = fakePorts([
      [staff(1, '2024-11-15T09:30:00.000'), staff(2, '2024-11-15T09:58:30.000')],
      [staff(3, '2024-11-15T09:59:00.000'), staff(4, '2024-11-15T09:59:30.000')],
      [staff(5, '2024-11-15T10:00:00.000'), staff(6, '2024-11-15T10:00:00.000')],
    ]);

    await extractTable(changed('staff'), fake.ports);

    expect(fake.advanced).toEqual([['staff', { lastUpdated: '2024-11-15T10:00:00.000', id: 6 }, upTo, 3]]);
  });

  it('counts rows sharing one stamp across batches in the margin, and nothing of a batch stamped after the cap', async () => {
    const fake = fakePorts(
      [
        [staff(1, '2024-11-15T09:00:00.000'), staff(2, '2024-11-15T09:29:30.000')],
        [staff(3, '2024-11-15T09:29:30.000'), staff(4, '2024-11-15T09:30:00.000')],
        [staff(5, '2024-11-15T09:30:00.000'), staff(6, '2024-11-15T09:30:00.001')],
        [staff(7, '2024-11-15T09:45:00.000')],
      ],
      { horizon: { cap: '2024-11-15T09:30:00.000', held: noHeldRows } },
    );

    await extractTable(changed('staff'), fake.ports);

    expect(fake.written[0]?.rows).toHaveLength(7);
    expect(fake.advanced).toEqual([['staff', { lastUpdated: '2024-11-15T09:30:00.000', id: 5 }, upTo, 4]]);
  });

  it('leaves the watermark where it was when publishing fails', async () => {
    const outage = new Error('SNS is down');
    const fake = fakePorts([[staff(7, '2024-11-15T10:00:00.000')]], {
      publish: () => Promise.reject(outage),
    });

    await expect(extractTable(changed('staff'), fake.ports)).rejects.toBe(outage);

    expect(fake.calls).not.toContain('advance');
    expect(fake.advanced).toEqual([]);
  });

  it('stops a drifted table: records the drift, reads and writes nothing, leaves the watermark where it was', async () => {
    const problem = 'source table "staff" has drifted: column email_address is missing';
    const fake = fakePorts([[staff(7, upTo)]], { drift: problem });

    const outcome = await extractTable(changed('staff'), fake.ports);

    expect(outcome).toEqual({ kind: 'stopped', table: 'staff', problem });
    expect(fake.calls).toEqual(['checkSchema staff', 'recordDrift', 'recordExtraction', 'completeRun']);
    expect(fake.drifts).toEqual([['staff', problem]]);
    expect(fake.advanced).toEqual([]);
  });

  it('lets the run of a stopped table complete: its extraction is recorded empty, with no models to wait for', async () => {
    const message = changed('staff');
    const fake = fakePorts([[staff(7, upTo)]], { drift: 'column email_address is missing' });

    await extractTable(message, fake.ports);

    expect(fake.recorded).toEqual([
      expect.objectContaining({ runId: message.runId, table: 'staff', lastRow: null, rows: 0, models: [] }),
    ]);
    expect(fake.completed).toEqual([message.id]);
  });

  it('refuses a table outside the catalog as a permanent UnknownSourceTableError before calling any port', async () => {
    const fake = fakePorts([]);

    const error = await extractTable(changed('secrets'), fake.ports).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnknownSourceTableError);
    expect(error).toMatchObject({ permanent: true, code: 'UNKNOWN_TABLE', table: 'secrets' });
    expect(fake.calls).toEqual([]);
  });

  it('advances with null after an empty window, announces nothing and completes the run piece at once', async () => {
    const message = changed('staff');
    const fake = fakePorts([]);

    const result = extracted(await extractTable(message, fake.ports));

    expect(fake.calls.slice(2)).toEqual(['writeColumns', 'recordExtraction', 'advance', 'completeRun']);
    expect(fake.advanced).toEqual([['staff', null, upTo, 0]]);
    expect(fake.recorded[0]).toMatchObject({ lastRow: null, rows: 0, models: [] });
    expect(fake.completed).toEqual([message.id]);
    expect(result.lastRow).toBeNull();
    expect(result.extracted.watermark).toEqual(after);
  });

  it('reports the window end as the watermark of an empty first window', async () => {
    const fake = fakePorts([]);

    const result = extracted(
      await extractTable(changed('staff', { after: null, rereadFrom: null, upTo }), fake.ports),
    );

    expect(fake.advanced).toEqual([['staff', null, upTo, 0]]);
    expect(result.extracted.watermark).toEqual({ lastUpdated: upTo, id: 0 });
  });
});

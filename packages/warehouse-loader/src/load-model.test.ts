import { type ModelBuilt, ModelBuilt as ModelBuiltSchema, newEnvelope } from '@totes/contracts';
import type { LakeColumn, Row } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { KindMismatchError, UnknownModelError } from './errors';
import { loadBuiltModel } from './load-model';
import type { LoadEntry, LoadOutcome, WarehouseWriter } from './warehouse-writer';

function built(model: string, kind: 'dimension' | 'fact', table: string): ModelBuilt {
  return ModelBuiltSchema.parse({
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: crypto.randomUUID() }),
    type: 'model.built',
    model,
    kind,
    table,
    object: {
      key: `processed/${model}/x`,
      parts: [`processed/${model}/x/part-00000.parquet`],
      rows: 2,
      bytes: 1,
    },
  });
}

/** A writer that drains the rows it is given and reports a fixed outcome. */
function fakePorts(batches: Row[][], outcome: Partial<LoadOutcome> = {}) {
  const reads: { parts: readonly string[]; columns: string[] }[] = [];
  const loads: { entry: LoadEntry; rows: Row[] }[] = [];
  const clock = [1_000, 1_250];
  const writer: WarehouseWriter = {
    async load(entry, rows) {
      const all: Row[] = [];
      for await (const batch of rows) all.push(...batch);
      loads.push({ entry, rows: all });
      return { received: all.length, written: all.length, firstDelivery: true, ...outcome };
    },
  };
  const ports = {
    readDataset(object: { parts: readonly string[] }, columns: readonly LakeColumn[]) {
      reads.push({ parts: object.parts, columns: columns.map((column) => column.name) });
      return (async function* () {
        yield* batches;
      })();
    },
    writer,
    now: () => clock.shift() ?? 0,
  };
  return { ports, reads, loads };
}

describe('loadBuiltModel', () => {
  it("reads the built rows with the model's processed columns and loads them for the message", async () => {
    const message = built('dim_currency', 'dimension', 'currency');
    const rows = [{ currency_id: 1 }, { currency_id: 2 }];
    const fake = fakePorts([rows]);

    await loadBuiltModel(message, fake.ports);

    expect(fake.reads).toEqual([
      {
        parts: ['processed/dim_currency/x/part-00000.parquet'],
        columns: ['currency_id', 'currency_code', 'currency_name', '_source_version'],
      },
    ]);
    expect(fake.loads).toHaveLength(1);
    expect(fake.loads[0]?.rows).toEqual(rows);
    expect(fake.loads[0]?.entry).toMatchObject({
      messageId: message.id,
      runId: message.runId,
      table: 'currency',
      extractionId: message.causationId,
    });
    expect(fake.loads[0]?.entry.model.name).toBe('dim_currency');
  });

  it('reports what the load did, caused by the built message, with its duration', async () => {
    const message = built('fact_payment', 'fact', 'payment');
    const fake = fakePorts([[{ payment_id: 1 }, { payment_id: 2 }]], { written: 1, firstDelivery: false });

    const loaded = await loadBuiltModel(message, fake.ports);

    expect(loaded).toMatchObject({
      type: 'model.loaded',
      runId: message.runId,
      causationId: message.id,
      model: 'fact_payment',
      kind: 'fact',
      table: 'payment',
      rows: { received: 2, written: 1 },
      firstDelivery: false,
      durationMs: 250,
    });
  });

  it('refuses a model the warehouse does not declare, permanently, before reading or writing', async () => {
    const fake = fakePorts([]);

    const error = await loadBuiltModel(built('dim_secrets', 'dimension', 'staff'), fake.ports).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(UnknownModelError);
    expect(error).toMatchObject({ permanent: true, code: 'UNKNOWN_MODEL', model: 'dim_secrets' });
    expect([fake.reads, fake.loads]).toEqual([[], []]);
  });

  it.each([
    ['dim_staff', 'fact', 'dim_staff is a dimension, but the message says fact'],
    ['fact_payment', 'dimension', 'fact_payment is a fact, but the message says dimension'],
  ] as const)(
    'refuses %s claimed to be a %s, permanently, before reading or writing',
    async (model, kind, text) => {
      const fake = fakePorts([]);

      const error = await loadBuiltModel(built(model, kind, 'staff'), fake.ports).catch(
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(KindMismatchError);
      expect(error).toMatchObject({ permanent: true, code: 'KIND_MISMATCH', message: text });
      expect([fake.reads, fake.loads]).toEqual([[], []]);
    },
  );
});

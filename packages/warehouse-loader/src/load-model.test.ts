import {
  type ModelBuilt,
  ModelBuilt as ModelBuiltSchema,
  ModelLoaded,
  newEnvelope,
  openLineageProducer,
  openLineageSchemaUrl,
  uuidFor,
} from '@totes/contracts';
import type { LakeColumn, Row } from '@totes/model';
import { type ColumnBatch, columnBatchOf, lineageNamespaces, rowsOf } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { KindMismatchError, UnknownModelError } from './errors';
import { loadBuiltModel } from './load-model';
import type { LoadEntry, LoadOutcome, WarehouseWriter } from './warehouse-writer';

function built(model: string, kind: 'dimension' | 'fact', table: string, partCount = 1): ModelBuilt {
  return ModelBuiltSchema.parse({
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: crypto.randomUUID() }),
    type: 'model.built',
    model,
    kind,
    table,
    object: {
      key: `processed/${model}/x`,
      parts: Array.from({ length: partCount }, (_, part) => `processed/${model}/x/part-0000${part}.parquet`),
      rows: 2,
      bytes: 1,
    },
  });
}

const namespaces = lineageNamespaces({
  stage: 'dev',
  sourceUrl: 'postgres://reader:s3cret@source.example:5432/totesys',
  warehouseUrl: 'postgres://loader:s3cret@warehouse.example/dw',
  warehouseSchema: 'public',
  lakeUrl: 's3://totes-lake/dev/',
});

/** Rows of integer columns as a column batch. */
function batchOf(rows: Row[]): ColumnBatch {
  const names = Object.keys(rows[0] ?? {});
  return columnBatchOf(
    names.map((name) => ({ name, lake: 'int32', nullable: false })),
    rows,
  );
}

/** A writer that drains the parts it is told are pending and reports a fixed outcome. */
function fakePorts(
  batches: ColumnBatch[],
  outcome: Partial<LoadOutcome> = {},
  loaded: readonly number[] = [],
  waitedMs = 0,
) {
  const reads: { parts: readonly string[]; columns: string[] }[] = [];
  const loads: { entry: LoadEntry; rows: Row[] }[] = [];
  const clock = [1_000, 1_250];
  const writer: WarehouseWriter = {
    async progress(_messageId, partCount) {
      const pending = Array.from({ length: partCount }, (_, part) => part).filter(
        (part) => !loaded.includes(part),
      );
      return { partCount, done: pending.length === 0 && partCount > 1, pending };
    },
    async load(entry, progress, readPart, ready) {
      if (progress.pending.length > 0) await ready?.(progress.pending);
      const all: Row[] = [];
      for (const part of progress.pending)
        for await (const batch of readPart(part)) all.push(...rowsOf(batch));
      loads.push({ entry, rows: all });
      return { received: all.length, written: all.length, firstDelivery: true, ...outcome };
    },
    async checkDimensions(_fact, references) {
      for await (const _batch of references);
      return waitedMs;
    },
  };
  const ports = {
    readColumns(object: { parts: readonly string[] }, columns: readonly LakeColumn[]) {
      reads.push({ parts: object.parts, columns: columns.map((column) => column.name) });
      return (async function* () {
        yield* batches;
      })();
    },
    writer,
    namespaces,
    now: () => clock.shift() ?? 0,
  };
  return { ports, reads, loads };
}

describe('loadBuiltModel', () => {
  it("reads the built rows with the model's processed columns and loads them for the message", async () => {
    const message = built('dim_currency', 'dimension', 'currency');
    const rows = [{ currency_id: 1 }, { currency_id: 2 }];
    const fake = fakePorts([batchOf(rows)]);

    await loadBuiltModel(message, fake.ports);

    expect(fake.reads).toEqual([
      {
        parts: ['processed/dim_currency/x/part-00000.parquet'],
        columns: ['currency_id', 'currency_code', 'currency_name', '_source_version', '_deleted_at'],
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
    const fake = fakePorts([batchOf([{ payment_id: 1 }, { payment_id: 2 }])], {
      written: 1,
      firstDelivery: false,
    });

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

  it("leaves out of the load's duration the time its check waited for dimension rows", async () => {
    const message = built('fact_payment', 'fact', 'payment');
    const fake = fakePorts([batchOf([{ payment_id: 1 }])], {}, [], 100);

    const loaded = await loadBuiltModel(message, fake.ports);

    expect(loaded.durationMs).toBe(150);
  });

  it('reports the load as an OpenLineage COMPLETE event of the job load.<model>, a child of the run', async () => {
    const message = built('fact_payment', 'fact', 'payment');
    const fake = fakePorts([batchOf([{ payment_id: 1 }, { payment_id: 2 }])], {
      written: 1,
      firstDelivery: false,
    });

    const loaded = await loadBuiltModel(message, fake.ports);

    expect(ModelLoaded.parse(loaded)).toEqual(loaded);
    expect(loaded).toMatchObject({
      eventType: 'COMPLETE',
      eventTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      producer: openLineageProducer,
      schemaURL: openLineageSchemaUrl,
      job: { namespace: 'totes-dev', name: 'load.fact_payment' },
      inputs: [
        { namespace: 'postgres://source.example:5432', name: 'totesys.public.payment' },
        { namespace: 's3://totes-lake', name: 'dev/processed/fact_payment/x' },
      ],
      outputs: [
        {
          namespace: 'postgres://warehouse.example:5432',
          name: 'dw.public.fact_payment',
          outputFacets: { outputStatistics: { rowCount: 1 } },
        },
      ],
    });
    expect(loaded.run.runId).toBe(uuidFor(`load:${message.id}`));
    expect(loaded.run.facets).toMatchObject({
      parent: { run: { runId: message.runId }, job: { namespace: 'totes-dev', name: 'run' } },
      totes_load: { rowsReceived: 2, rowsWritten: 1, firstDelivery: false, durationMs: 250 },
    });
    expect(loaded.run.facets).not.toHaveProperty('errorMessage');
    expect(JSON.stringify(loaded)).not.toContain('s3cret');
  });

  it("checks a fact's dimension references in the pending parts only, then reads each pending part to load it", async () => {
    const message = built('fact_payment', 'fact', 'payment', 3);
    const fake = fakePorts([batchOf([{ payment_id: 1 }])], {}, [1]);

    await loadBuiltModel(message, fake.ports);

    const part = (index: number) => `processed/fact_payment/x/part-0000${index}.parquet`;
    expect(fake.reads.map((read) => read.parts)).toEqual([[part(0), part(2)], [part(0)], [part(2)]]);
    expect(fake.reads[0]?.columns).toEqual([
      'created_date',
      'last_updated_date',
      'transaction_id',
      'counterparty_id',
      'currency_id',
      'payment_type_id',
      'payment_date',
    ]);
  });

  it('reads nothing for a message whose every part is already loaded', async () => {
    const message = built('fact_payment', 'fact', 'payment', 2);
    const fake = fakePorts(
      [batchOf([{ payment_id: 1 }])],
      { received: 0, written: 0, firstDelivery: false },
      [0, 1],
    );

    const loaded = await loadBuiltModel(message, fake.ports);

    expect(fake.reads).toEqual([]);
    expect(loaded).toMatchObject({ rows: { received: 0, written: 0 }, firstDelivery: false });
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

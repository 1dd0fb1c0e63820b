import { type LakeObject, type ModelBuilt, newEnvelope, TableExtracted } from '@totes/contracts';
import { type FactModel, findModel, ModelError, type Row } from '@totes/model';
import { columnBatchOf, rowsOf } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { buildFact } from './build-fact';
import { NotFactSourceError } from './errors';
import type { FactBuilderPorts } from './types';

function fact(name: string): FactModel {
  const model = findModel(name);
  if (model?.kind !== 'fact') throw new Error(`${name} is not a fact`);
  return model;
}

function extracted(table: string): TableExtracted {
  return TableExtracted.parse({
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: crypto.randomUUID() }),
    occurredAt: '2024-11-15T10:00:02.000Z',
    type: 'table.extracted',
    table,
    window: { after: null, rereadFrom: null, upTo: '2024-11-15T10:00:00.000' },
    watermark: { lastUpdated: '2024-11-15T10:00:00.000', id: 3 },
    object: { key: `raw/${table}/x`, parts: [`raw/${table}/x/part-00000.parquet`], rows: 3, bytes: 1 },
  });
}

const payment = (id: number, paid: boolean, paymentDate = '2024-11-20'): Row => ({
  payment_id: id,
  created_at: '2024-11-15T09:00:00.500',
  last_updated: '2024-11-15T09:45:00.000',
  transaction_id: id,
  counterparty_id: 4,
  payment_amount: '12.30',
  currency_id: 1,
  payment_type_id: 1,
  paid,
  payment_date: paymentDate,
  company_ac_number: 111,
  counterparty_ac_number: 222,
});

function fakePorts(changed: Row[][]) {
  const calls: string[] = [];
  const written: { key: string; columns: string[]; rows: Row[] }[] = [];
  const published: ModelBuilt[] = [];
  const ports: FactBuilderPorts = {
    readColumns(object, columns) {
      calls.push(`readColumns ${object.parts.join(',')}: ${columns.map((column) => column.name).join(',')}`);
      return (async function* () {
        for (const rows of changed) yield columnBatchOf(columns, rows);
      })();
    },
    async writeColumns(key, columns, batches) {
      calls.push('writeColumns');
      const rows: Row[] = [];
      for await (const batch of batches) rows.push(...rowsOf(batch));
      written.push({ key, columns: columns.map((column) => column.name), rows });
      return {
        key,
        parts: [`${key}/part-00000.parquet`],
        rows: rows.length,
        bytes: 100,
      } satisfies LakeObject;
    },
    async publish(message) {
      calls.push('publish');
      published.push(message);
    },
  };
  return { ports, calls, written, published };
}

describe('buildFact', () => {
  it('builds one fact row per changed source row, across batches, in order', async () => {
    const message = extracted('payment');
    const fake = fakePorts([[payment(1, false), payment(2, true)], [payment(1, true)]]);

    await buildFact(message, fact('fact_payment'), fake.ports);

    expect(fake.calls[0]).toBe(
      'readColumns raw/payment/x/part-00000.parquet: payment_id,created_at,transaction_id,counterparty_id,' +
        'payment_amount,currency_id,payment_type_id,paid,payment_date,company_ac_number,counterparty_ac_number,last_updated,_deleted_at',
    );
    expect(fake.written).toHaveLength(1);
    expect(fake.written[0]?.key).toBe(`processed/fact_payment/2024-11-15/${message.id}`);
    expect(fake.written[0]?.rows.map((row) => [row.payment_id, row.paid])).toEqual([
      [1, false],
      [2, true],
      [1, true],
    ]);
    expect(fake.written[0]?.rows[0]).toEqual({
      payment_id: 1,
      created_date: '2024-11-15',
      created_time: '09:00:00.500',
      last_updated_date: '2024-11-15',
      last_updated_time: '09:45:00.000',
      transaction_id: 1,
      counterparty_id: 4,
      payment_amount: '12.30',
      currency_id: 1,
      payment_type_id: 1,
      paid: false,
      payment_date: '2024-11-20',
      _deleted_at: null,
    });
  });

  it('turns a tombstone into a final version row marked deleted, stamped at the deletion', async () => {
    const message = extracted('payment');
    const tombstone = {
      ...payment(1, true),
      last_updated: '2024-12-01T08:00:00.000',
      _deleted_at: '2024-12-01T08:00:00.000',
    };
    const fake = fakePorts([[tombstone]]);

    await buildFact(message, fact('fact_payment'), fake.ports);

    expect(fake.written[0]?.rows).toEqual([
      expect.objectContaining({
        payment_id: 1,
        last_updated_date: '2024-12-01',
        last_updated_time: '08:00:00.000',
        paid: true,
        _deleted_at: '2024-12-01T08:00:00.000',
      }),
    ]);
  });

  it('announces the build, caused by the extraction, after writing it', async () => {
    const message = extracted('payment');
    const fake = fakePorts([[payment(1, true)]]);

    const built = await buildFact(message, fact('fact_payment'), fake.ports);

    expect(fake.calls.slice(-2)).toEqual(['writeColumns', 'publish']);
    expect(fake.published).toEqual([built]);
    expect(built).toMatchObject({
      type: 'model.built',
      model: 'fact_payment',
      kind: 'fact',
      table: 'payment',
      runId: message.runId,
      causationId: message.id,
      object: { rows: 1 },
    });
  });

  it('gives a retried build of the same extraction the same message id', async () => {
    const message = extracted('payment');

    const first = await buildFact(message, fact('fact_payment'), fakePorts([[payment(1, true)]]).ports);
    const retry = await buildFact(message, fact('fact_payment'), fakePorts([[payment(1, true)]]).ports);

    expect(retry.id).toBe(first.id);
  });

  it.each([
    ['fact_sales_order', 'payment'],
    ['fact_payment', 'staff'],
    ['fact_payment', 'not_a_table'],
  ])(
    'refuses to build %s from a change to %s, permanently, before touching any port',
    async (model, table) => {
      const fake = fakePorts([]);

      const error = await buildFact(extracted(table), fact(model), fake.ports).catch(
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(NotFactSourceError);
      expect(error).toMatchObject({
        permanent: true,
        message: `${model} is not built from table "${table}"`,
      });
      expect(fake.calls).toEqual([]);
    },
  );

  it('fails without announcing anything when a source row holds an impossible date', async () => {
    const fake = fakePorts([[payment(1, true, '2024-02-30')]]);

    const error = await buildFact(extracted('payment'), fact('fact_payment'), fake.ports).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(ModelError);
    expect(fake.published).toEqual([]);
  });
});

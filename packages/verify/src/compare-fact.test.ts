import { deriveFactRow, type FactModel, findModel, type Row } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { compareFact } from './compare-fact';
import { factShapeOf } from './model-shapes';
import { batches, sourcePayment } from './testing';
import { CheckName, type CheckResult, DifferenceKind } from './types';

function fact(name: string): FactModel {
  const model = findModel(name);
  if (model?.kind !== 'fact') throw new Error(`${name} is not a fact`);
  return model;
}

const factPayment = fact('fact_payment');
const shape = factShapeOf(factPayment);

const payment = sourcePayment;

/** The fact row the platform loads for one version of a payment. */
const loaded = (source: Row, overrides: Row = {}): Row => ({
  ...deriveFactRow(factPayment, source),
  ...overrides,
});

async function compare(source: Row[], warehouse: Row[], sampleLimit = 20) {
  return compareFact(shape, batches(source), batches(warehouse), sampleLimit);
}

function check(checks: readonly CheckResult[], name: CheckName): CheckResult {
  const found = checks.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no ${name} check`);
  return found;
}

const failed = (checks: readonly CheckResult[]) =>
  checks.filter((candidate) => !candidate.ok).map((c) => c.name);

describe('compareFact', () => {
  it('passes when every source row has its current version in the fact with equal columns', async () => {
    const source = [payment(1), payment(2, { payment_amount: '5.50', currency_id: 2 })];

    const { checks } = await compare(
      source,
      source.map((row) => loaded(row)),
    );

    expect(failed(checks)).toEqual([]);
    expect(checks.map((candidate) => candidate.name)).toEqual([
      CheckName.factVersions,
      CheckName.uniqueVersions,
      CheckName.totals,
      CheckName.totalsPerCurrency,
      CheckName.totalsPerDay,
    ]);
  });

  it('counts older versions of a row as history, not as differences', async () => {
    const current = payment(1, { paid: true, last_updated: '2024-02-01T09:00:00.000' });
    const older = loaded(payment(1, { paid: false }));

    const { checks } = await compare([current], [older, loaded(current)]);

    expect(failed(checks)).toEqual([]);
    expect(check(checks, CheckName.factVersions).summary).toBe(
      '1 source row, 1 current version equal, 1 older version kept as history',
    );
  });

  it('reports a source row without any fact row as missing, with the version the fact lacks', async () => {
    const { checks } = await compare([payment(1), payment(2)], [loaded(payment(1))]);

    expect(check(checks, CheckName.factVersions).differences).toEqual([
      {
        kind: DifferenceKind.missing,
        key: { payment_id: 2 },
        column: null,
        source: '2024-01-03 11:00:00.000',
        warehouse: null,
      },
    ]);
    expect(check(checks, CheckName.totals).differences).toContainEqual(
      expect.objectContaining({
        kind: DifferenceKind.aggregate,
        key: {},
        column: 'rows',
        source: 2,
        warehouse: 1,
      }),
    );
  });

  it('reports a key whose current version is not loaded yet as stale, with both versions', async () => {
    const current = payment(1, { paid: true, last_updated: '2024-02-01T09:00:00.000' });

    const { checks } = await compare([current], [loaded(payment(1))]);

    expect(check(checks, CheckName.factVersions).differences).toEqual([
      {
        kind: DifferenceKind.stale,
        key: { payment_id: 1 },
        column: null,
        source: '2024-02-01 09:00:00.000',
        warehouse: '2024-01-03 11:00:00.000',
      },
    ]);
  });

  it('reports a differing measure with key, column and both values, and the sums per currency that differ', async () => {
    const source = [
      payment(1, { payment_amount: '100.00' }),
      payment(2, { payment_amount: '7.25', currency_id: 2 }),
    ];
    const warehouse = [loaded(source[0] as Row, { payment_amount: '101.00' }), loaded(source[1] as Row)];

    const { checks } = await compare(source, warehouse);

    expect(failed(checks)).toEqual([
      CheckName.factVersions,
      CheckName.totals,
      CheckName.totalsPerCurrency,
      CheckName.totalsPerDay,
    ]);
    expect(check(checks, CheckName.factVersions).differences).toEqual([
      {
        kind: DifferenceKind.value,
        key: { payment_id: 1 },
        column: 'payment_amount',
        source: '100.00',
        warehouse: '101.00',
      },
    ]);
    expect(check(checks, CheckName.totalsPerCurrency).differences).toEqual([
      {
        kind: DifferenceKind.aggregate,
        key: { currency_id: 1 },
        column: 'sum(payment_amount)',
        source: '100.00',
        warehouse: '101.00',
      },
    ]);
  });

  it('sums only the latest version of each key, so history does not inflate the totals', async () => {
    const current = payment(1, { payment_amount: '30.00', last_updated: '2024-02-01T09:00:00.000' });
    const older = loaded(payment(1, { payment_amount: '10.00' }));

    const { checks } = await compare([current], [older, loaded(current)]);

    expect(check(checks, CheckName.totals)).toMatchObject({
      ok: true,
      summary: expect.stringMatching(/^1 source row vs 1 fact key;/),
    });
  });

  it('reports fact rows whose source row no longer exists as an orphan key', async () => {
    const { checks } = await compare([payment(1)], [loaded(payment(1)), loaded(payment(9))]);

    expect(check(checks, CheckName.factVersions).differences).toEqual([
      {
        kind: DifferenceKind.orphan,
        key: { payment_id: 9 },
        column: null,
        source: null,
        warehouse: '2024-01-03 11:00:00.000',
      },
    ]);
  });

  it('reports a version key held by two fact rows, as a broken unique constraint would allow', async () => {
    const row = loaded(payment(1));

    const { checks } = await compare([payment(1)], [row, { ...row }]);

    expect(failed(checks)).toEqual([CheckName.uniqueVersions]);
    expect(check(checks, CheckName.uniqueVersions).differences).toEqual([
      {
        kind: DifferenceKind.duplicate,
        key: { payment_id: 1, last_updated_date: '2024-01-03', last_updated_time: '11:00:00.000' },
        column: 'rows',
        source: 1,
        warehouse: 2,
      },
    ]);
  });

  it('reports a fact version newer than the source row once, as ahead', async () => {
    const newer = loaded(payment(1, { last_updated: '2024-05-05T05:05:05.005' }));

    const { checks } = await compare([payment(1)], [newer]);

    expect(check(checks, CheckName.factVersions).differences).toEqual([
      expect.objectContaining({ kind: DifferenceKind.ahead, key: { payment_id: 1 } }),
    ]);
  });

  it('reports a source row the model cannot derive instead of stopping', async () => {
    const { checks } = await compare([payment(1, { payment_date: '31/01/2024' })], []);

    expect(check(checks, CheckName.factVersions).differences).toEqual([
      expect.objectContaining({
        kind: DifferenceKind.underivable,
        key: { payment_id: 1 },
        source: expect.stringContaining('31/01/2024'),
      }),
    ]);
  });

  it('collects every date the fact rows reference, for the calendar check', async () => {
    const source = payment(1, { created_at: '2024-01-02T10:00:00.000', payment_date: '2024-01-10' });

    const { referencedDates } = await compare([source], [loaded(source)]);

    expect([...(referencedDates.get('dim_date') ?? [])].sort()).toEqual([
      '2024-01-02',
      '2024-01-03',
      '2024-01-10',
    ]);
  });
});

import { deriveFactRow, type FactModel, findModel, type Row, type TableDimension } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { compareDimension } from './compare-dimension';
import { compareFact } from './compare-fact';
import { factShapeOf } from './model-shapes';
import { warehouseTableSql } from './queries';
import { batches, sourcePayment } from './testing';
import { DifferenceKind } from './types';

const dimDesign = findModel('dim_design') as TableDimension;
const factPayment = findModel('fact_payment') as FactModel;
const deletedAt = '2024-12-01T08:00:00.000';
const design = (design_id: number, extra: Row = {}): Row => ({
  design_id,
  design_name: `Design ${design_id}`,
  file_location: '/designs',
  file_name: `design-${design_id}.json`,
  ...extra,
});
const payment = sourcePayment;
/** The fact rows of a payment deleted after one version: that version, then the final one marked deleted. */
const deletedPayment = (id: number): Row[] => [
  deriveFactRow(factPayment, payment(id)),
  deriveFactRow(factPayment, payment(id, { last_updated: deletedAt, _deleted_at: deletedAt })),
];

describe('verify, for rows deleted from the source', () => {
  it('reads _deleted_at from the warehouse tables that mark deletes, and not from dim_date', () => {
    expect(warehouseTableSql('public', dimDesign, ['design_id'])).toContain('"_deleted_at"');
    expect(warehouseTableSql('public', findModel('dim_date') as TableDimension, ['date_id'])).not.toContain(
      '_deleted_at',
    );
  });

  it('matches a dimension row the source deleted when the warehouse keeps it marked deleted', async () => {
    const warehouse = [design(1, { _deleted_at: null }), design(2, { _deleted_at: deletedAt })];

    const check = await compareDimension(dimDesign, batches([design(1)]), batches(warehouse), 20);

    expect(check.ok).toBe(true);
    expect(check.summary).toBe('1 source row, 2 warehouse rows (1 kept and marked deleted)');
  });

  it('reports a dimension row the source deleted that the warehouse did not mark', async () => {
    const warehouse = [design(1, { _deleted_at: null }), design(2, { _deleted_at: null })];

    const check = await compareDimension(dimDesign, batches([design(1)]), batches(warehouse), 20);

    expect(check.differences).toEqual([
      { kind: DifferenceKind.extra, key: { design_id: 2 }, column: null, source: null, warehouse: 'row' },
    ]);
  });

  it('reports a dimension row marked deleted that the source still has', async () => {
    const warehouse = [design(1, { _deleted_at: deletedAt })];

    const check = await compareDimension(dimDesign, batches([design(1)]), batches(warehouse), 20);

    expect(check.differences).toEqual([
      {
        kind: DifferenceKind.markedDeleted,
        key: { design_id: 1 },
        column: null,
        source: 'row',
        warehouse: deletedAt,
      },
    ]);
  });

  it('matches a fact key the source deleted when its latest version is marked deleted, and leaves it out of the totals', async () => {
    const warehouse = [deriveFactRow(factPayment, payment(1)), ...deletedPayment(2)];

    const { checks } = await compareFact(
      factShapeOf(factPayment),
      batches([payment(1)]),
      batches(warehouse),
      20,
    );

    expect(checks.filter((check) => !check.ok)).toEqual([]);
    expect(checks[0]?.summary).toContain('1 deleted key marked deleted');
  });

  it('reports a fact key the source deleted whose latest version is not marked deleted', async () => {
    const warehouse = [deriveFactRow(factPayment, payment(1)), deriveFactRow(factPayment, payment(2))];

    const { checks } = await compareFact(
      factShapeOf(factPayment),
      batches([payment(1)]),
      batches(warehouse),
      20,
    );

    expect(checks[0]?.differences).toEqual([
      expect.objectContaining({ kind: DifferenceKind.orphan, key: { payment_id: 2 } }),
    ]);
  });

  it('reports a fact key marked deleted that the source still has', async () => {
    const { checks } = await compareFact(
      factShapeOf(factPayment),
      batches([payment(2)]),
      batches(deletedPayment(2)),
      20,
    );

    expect(checks[0]?.differences).toEqual([
      {
        kind: DifferenceKind.markedDeleted,
        key: { payment_id: 2 },
        column: null,
        source: 'row',
        warehouse: deletedAt,
      },
    ]);
  });
});

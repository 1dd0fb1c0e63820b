import { type FactModel, findModel, type TableDimension } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { dimensionShapeOf, factShapeOf } from './model-shapes';

describe('factShapeOf', () => {
  it('reads the key, version, measures, currency and day of fact_sales_order from the model', () => {
    const shape = factShapeOf(findModel('fact_sales_order') as FactModel);

    expect({
      source: shape.source.name,
      keyColumn: shape.keyColumn,
      versionColumns: shape.versionColumns,
      measures: shape.measures.map((column) => column.name),
      currencyColumn: shape.currencyColumn,
      dayColumn: shape.dayColumn,
    }).toEqual({
      source: 'sales_order',
      keyColumn: 'sales_order_id',
      versionColumns: ['last_updated_date', 'last_updated_time'],
      measures: ['units_sold', 'unit_price'],
      currencyColumn: 'currency_id',
      dayColumn: 'created_date',
    });
  });

  it('takes only money as the measure of fact_payment: ids that point at dimensions are not summed', () => {
    const shape = factShapeOf(findModel('fact_payment') as FactModel);

    expect(shape.measures.map((column) => column.name)).toEqual(['payment_amount']);
    expect(shape.calendarColumns.map(({ column }) => column)).toEqual([
      'created_date',
      'last_updated_date',
      'payment_date',
    ]);
  });
});

describe('dimensionShapeOf', () => {
  it('finds the primary and joined source tables of a dimension', () => {
    const shape = dimensionShapeOf(findModel('dim_counterparty') as TableDimension);

    expect([shape.source.name, ...shape.joined.map((table) => table.name)]).toEqual([
      'counterparty',
      'address',
    ]);
  });
});

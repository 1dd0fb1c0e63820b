import { describe, expect, it } from 'vitest';
import { ModelErrorCode } from './errors';
import {
  columnOf,
  dependenciesOf,
  factModels,
  factReferences,
  factVersionKey,
  filterPolicyOf,
  findModel,
  findSourceTable,
  modelsDependingOn,
  tableOf,
} from './graph';
import type { FactModel, WarehouseModel } from './types';
import { warehouseModels } from './warehouse-model';

function model(name: string): WarehouseModel {
  const found = findModel(name);
  if (!found) throw new Error(`no model ${name}`);
  return found;
}

// From SCHEMA.md section 2: what each warehouse table is derived from.
const dependenciesByModel: Record<string, string[]> = {
  dim_date: ['payment', 'purchase_order', 'sales_order'],
  dim_staff: ['department', 'staff'],
  dim_location: ['address'],
  dim_design: ['design'],
  dim_currency: ['currency'],
  dim_counterparty: ['address', 'counterparty'],
  dim_payment_type: ['payment_type'],
  dim_transaction: ['transaction'],
  fact_sales_order: ['sales_order'],
  fact_purchase_order: ['purchase_order'],
  fact_payment: ['payment'],
};

// The same, read the other way: which warehouse tables a change to each totesys table must rebuild.
const modelsByTable: Record<string, string[]> = {
  address: ['dim_counterparty', 'dim_location'],
  counterparty: ['dim_counterparty'],
  currency: ['dim_currency'],
  department: ['dim_staff'],
  design: ['dim_design'],
  staff: ['dim_staff'],
  sales_order: ['dim_date', 'fact_sales_order'],
  purchase_order: ['dim_date', 'fact_purchase_order'],
  payment_type: ['dim_payment_type'],
  transaction: ['dim_transaction'],
  payment: ['dim_date', 'fact_payment'],
};

describe('the dependency graph', () => {
  it('declares exactly the 11 warehouse tables of SCHEMA.md', () => {
    expect(warehouseModels.map((declared) => declared.name).sort()).toEqual(
      Object.keys(dependenciesByModel).sort(),
    );
  });

  it.each(Object.entries(dependenciesByModel))('makes %s depend on %j', (name, tables) => {
    const dependencies = dependenciesOf(model(name));

    expect([...dependencies].sort()).toEqual(tables);
    expect(new Set(dependencies).size).toBe(dependencies.length);
  });

  it.each(Object.entries(modelsByTable))('rebuilds, for a change to %s, exactly %j', (table, models) => {
    expect(
      modelsDependingOn(table)
        .map((dependent) => dependent.name)
        .sort(),
    ).toEqual(models);
  });

  it('rebuilds nothing for a table it does not know', () => {
    expect(modelsDependingOn('_prisma_migrations')).toEqual([]);
  });

  it.each(Object.entries(dependenciesByModel))(
    'filters the queue of %s on exactly the tables %j, sorted',
    (name, tables) => {
      expect(filterPolicyOf(model(name))).toEqual({ table: tables });
    },
  );

  it.each([
    ['fact_sales_order', ['sales_order_id', 'last_updated_date', 'last_updated_time']],
    ['fact_purchase_order', ['purchase_order_id', 'last_updated_date', 'last_updated_time']],
    ['fact_payment', ['payment_id', 'last_updated_date', 'last_updated_time']],
  ])('identifies a version of %s by the source key and last_updated columns %j', (name, key) => {
    expect(factVersionKey(model(name) as FactModel)).toEqual(key);
  });

  it('refuses a version key for a fact built from an unknown table', () => {
    const orphan = { ...(model('fact_payment') as FactModel), name: 'fact_refund', primaryTable: 'refund' };

    let error: unknown;
    try {
      factVersionKey(orphan);
    } catch (caught) {
      error = caught;
    }

    expect(error).toMatchObject({
      name: 'ModelError',
      code: ModelErrorCode.unknownTable,
      message: 'fact fact_refund names unknown table refund',
    });
  });

  // SCHEMA.md section 2, star schemas: which dimension each fact column points at.
  it.each([
    [
      'fact_sales_order',
      [
        'agreed_delivery_date -> dim_date',
        'agreed_delivery_location_id -> dim_location',
        'agreed_payment_date -> dim_date',
        'counterparty_id -> dim_counterparty',
        'created_date -> dim_date',
        'currency_id -> dim_currency',
        'design_id -> dim_design',
        'last_updated_date -> dim_date',
        'sales_staff_id -> dim_staff',
      ],
    ],
    [
      'fact_purchase_order',
      [
        'agreed_delivery_date -> dim_date',
        'agreed_delivery_location_id -> dim_location',
        'agreed_payment_date -> dim_date',
        'counterparty_id -> dim_counterparty',
        'created_date -> dim_date',
        'currency_id -> dim_currency',
        'last_updated_date -> dim_date',
        'staff_id -> dim_staff',
      ],
    ],
    [
      'fact_payment',
      [
        'counterparty_id -> dim_counterparty',
        'created_date -> dim_date',
        'currency_id -> dim_currency',
        'last_updated_date -> dim_date',
        'payment_date -> dim_date',
        'payment_type_id -> dim_payment_type',
        'transaction_id -> dim_transaction',
      ],
    ],
  ])('points the columns of %s at the dimensions of its star schema', (name, references) => {
    const found = factReferences(model(name) as FactModel).map(
      ({ column, dimension }) => `${column} -> ${dimension.name}`,
    );

    expect(found.sort()).toEqual(references);
  });

  it('refuses a fact column that references an unknown dimension', () => {
    const payment = model('fact_payment') as FactModel;
    const broken: FactModel = {
      ...payment,
      columns: payment.columns.map((column) =>
        column.name === 'currency_id' ? { ...column, references: 'dim_money' } : column,
      ),
    };

    expect(() => factReferences(broken)).toThrow('fact_payment.currency_id references unknown dim_money');
  });

  it('lists the facts in declaration order', () => {
    expect(factModels.map((fact) => fact.name)).toEqual([
      'fact_sales_order',
      'fact_purchase_order',
      'fact_payment',
    ]);
  });

  it('finds models and tables by name and nothing for an unknown name', () => {
    expect(findModel('dim_staff')?.name).toBe('dim_staff');
    expect(findModel('dim_secret')).toBeUndefined();
    expect(findSourceTable('staff')?.primaryKey).toBe('staff_id');
    expect(findSourceTable('staff; DROP TABLE x')).toBeUndefined();
  });

  it('splits a column reference into table and column', () => {
    expect([tableOf('sales_order.created_at'), columnOf('sales_order.created_at')]).toEqual([
      'sales_order',
      'created_at',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { columnOf, tableOf } from './graph';
import { sourceTableNames, sourceTables } from './source-catalog';
import type { SourceTable } from './types';
import { warehouseModels } from './warehouse-model';

// SCHEMA.md section 1: the nullable (`?`) columns of each totesys table.
const nullableColumns: Record<string, string[]> = {
  address: ['address_line_2', 'district'],
  counterparty: ['commercial_contact', 'delivery_contact'],
  currency: [],
  department: ['location', 'manager'],
  design: [],
  staff: [],
  sales_order: [],
  purchase_order: [],
  payment_type: [],
  transaction: ['sales_order_id', 'purchase_order_id'],
  payment: [],
};

const tables: [string, SourceTable][] = sourceTables.map((table) => [table.name, table]);

describe('the source catalog', () => {
  it('holds the 11 totesys tables', () => {
    expect([...sourceTableNames].sort()).toEqual(Object.keys(nullableColumns).sort());
  });

  it.each(tables)('keys %s by <table>_id, an integer column it lists first', (name, table) => {
    expect(table.primaryKey).toBe(`${name}_id`);
    expect(table.columns[0]).toEqual({ name: `${name}_id`, sql: 'integer', lake: 'int32', nullable: false });
  });

  it.each(tables)(
    'orders %s by a last_updated column and keeps created_at, both timestamp(3)',
    (_name, table) => {
      const audit = table.columns.filter((column) => ['created_at', 'last_updated'].includes(column.name));

      expect(table.cursor).toBe('last_updated');
      expect(audit).toEqual([
        { name: 'created_at', sql: 'timestamp(3)', lake: 'timestamp', nullable: false },
        { name: 'last_updated', sql: 'timestamp(3)', lake: 'timestamp', nullable: false },
      ]);
    },
  );

  it.each(tables)('marks exactly the nullable columns of %s from the source DDL', (name, table) => {
    expect(table.columns.filter((column) => column.nullable).map((column) => column.name)).toEqual(
      nullableColumns[name],
    );
  });

  it('lists the design columns in the order of the live database', () => {
    const design = sourceTables.find((table) => table.name === 'design');

    expect(design?.columns.map((column) => column.name)).toEqual([
      'design_id',
      'created_at',
      'design_name',
      'file_location',
      'file_name',
      'last_updated',
    ]);
  });

  it('backs every warehouse column reference with a catalog column, nullable only where the source is', () => {
    const problems: string[] = [];
    for (const model of warehouseModels) {
      for (const column of model.columns) {
        if (column.derive.kind === 'calendar') continue;
        const from = column.derive.from;
        const source = sourceTables
          .find((table) => table.name === tableOf(from))
          ?.columns.find((candidate) => candidate.name === columnOf(from));
        if (!source) problems.push(`${model.name}.${column.name}: no ${from}`);
        else if (source.nullable && !column.nullable)
          problems.push(`${model.name}.${column.name}: NOT NULL, but ${from} is nullable`);
      }
    }

    expect(problems).toEqual([]);
  });
});

describe('decimal columns', () => {
  const decimals = [
    ...sourceTables.flatMap((table) =>
      table.columns.map((column) => [`${table.name}.${column.name}`, column] as const),
    ),
    ...warehouseModels.flatMap((model) =>
      model.columns.map((column) => [`${model.name}.${column.name}`, column] as const),
    ),
  ].filter(([, column]) => column.lake === 'decimal');

  it('exist, in the source and the warehouse', () => {
    expect(decimals.map(([name]) => name)).toContain('sales_order.unit_price');
    expect(decimals.map(([name]) => name)).toContain('fact_sales_order.unit_price');
  });

  it.each(decimals)(
    '%s carries the precision and scale of its numeric(p,s) type, for the lake',
    (_, column) => {
      const match = /^numeric\((\d+),(\d+)\)$/.exec(column.sql);

      expect(match).not.toBeNull();
      expect(column.decimal).toEqual({ precision: Number(match![1]), scale: Number(match![2]) });
    },
  );
});

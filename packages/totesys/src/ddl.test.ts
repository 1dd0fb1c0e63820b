import { describe, expect, expectTypeOf, it } from 'vitest';
import { type TotesysTable, totesysColumns, totesysDdl, totesysForeignKeys, totesysTables } from './ddl';
import type { TotesysRows } from './types';

/** The column names, in order, of each CREATE TABLE in the DDL text. */
function parseDdl(): Map<string, { columns: string[] }> {
  const tables = new Map<string, { columns: string[] }>();
  for (const match of totesysDdl.matchAll(/CREATE TABLE IF NOT EXISTS public\."(\w+)" \(([\s\S]*?)\n\);/g)) {
    tables.set(match[1] ?? '', {
      columns: [...(match[2] ?? '').matchAll(/^\s+(\w+) /gm)].map((column) => column[1] ?? ''),
    });
  }
  return tables;
}

/** `table.column → referenced` for each foreign key the DDL text adds. */
function parseForeignKeys(): string[] {
  return [
    ...totesysDdl.matchAll(
      /ALTER TABLE public\."(\w+)" ADD CONSTRAINT "\w+" FOREIGN KEY \((\w+)\)\s+REFERENCES public\."(\w+)"/g,
    ),
  ].map((match) => `${match[1]}.${match[2]} → ${match[3]}`);
}

describe('totesysDdl', () => {
  it('creates exactly the 11 totesys tables', () => {
    expect([...parseDdl().keys()].sort()).toEqual([...totesysTables].sort());
  });

  it('declares each table’s columns in the order totesysColumns lists them', () => {
    const parsed = parseDdl();
    for (const table of totesysTables)
      expect(parsed.get(table)?.columns, table).toEqual([...totesysColumns[table]]);
  });

  it('adds the 17 foreign keys of the live schema, the order links of a transaction ON DELETE SET NULL', () => {
    const expected = totesysForeignKeys.map((key) => `${key.table}.${key.column} → ${key.references}`);

    expect(parseForeignKeys()).toEqual(expected);
    expect(expected).toHaveLength(17);
    expect(totesysDdl.match(/ON DELETE SET NULL/g)).toHaveLength(2);
  });

  it('lists the tables so that every foreign key points at an earlier one', () => {
    for (const key of totesysForeignKeys) {
      expect(totesysTables.indexOf(key.references), `${key.table}.${key.column}`).toBeLessThan(
        totesysTables.indexOf(key.table),
      );
    }
  });

  it('guards every statement so it can run against an existing schema', () => {
    const statements = totesysDdl.match(/CREATE (TABLE|TYPE)|ADD CONSTRAINT/g) ?? [];
    const guardedTables = totesysDdl.match(/CREATE TABLE IF NOT EXISTS/g) ?? [];
    const guardedBlocks = totesysDdl.match(/EXCEPTION WHEN duplicate_object THEN NULL/g) ?? [];

    expect(statements).toHaveLength(2 + 11 + 17);
    expect(guardedTables.length + guardedBlocks.length).toBe(statements.length);
  });

  it('names in totesysColumns exactly the fields of the row types', () => {
    type Columns<T extends TotesysTable> = (typeof totesysColumns)[T][number];
    expectTypeOf<Columns<'design'>>().toEqualTypeOf<keyof TotesysRows['design']>();
    expectTypeOf<Columns<'payment'>>().toEqualTypeOf<keyof TotesysRows['payment']>();
    expectTypeOf<Columns<'sales_order'>>().toEqualTypeOf<keyof TotesysRows['sales_order']>();
    expectTypeOf<Columns<'purchase_order'>>().toEqualTypeOf<keyof TotesysRows['purchase_order']>();
    expectTypeOf<Columns<'transaction'>>().toEqualTypeOf<keyof TotesysRows['transaction']>();
    expectTypeOf<Columns<'address'>>().toEqualTypeOf<keyof TotesysRows['address']>();
    expectTypeOf<Columns<'counterparty'>>().toEqualTypeOf<keyof TotesysRows['counterparty']>();
    expectTypeOf<Columns<'staff'>>().toEqualTypeOf<keyof TotesysRows['staff']>();
    expectTypeOf<Columns<'department'>>().toEqualTypeOf<keyof TotesysRows['department']>();
    expectTypeOf<Columns<'currency'>>().toEqualTypeOf<keyof TotesysRows['currency']>();
    expectTypeOf<Columns<'payment_type'>>().toEqualTypeOf<keyof TotesysRows['payment_type']>();
  });
});

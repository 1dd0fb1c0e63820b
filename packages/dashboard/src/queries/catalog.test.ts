import { findModel, warehouseModels } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { healthKey } from '../types';
import { createQueryCatalog } from './catalog';

const catalog = createQueryCatalog({ warehouse: 'public', state: 'totes' });

describe('the catalog of named queries', () => {
  it('names each query once', () => {
    const names = catalog.all.map((query) => query.name);

    expect(new Set(names).size).toBe(names.length);
  });

  it('makes every query depend on models of the warehouse (or the health key) and on nothing else', () => {
    const known = new Set([...warehouseModels.map((model) => model.name), healthKey]);

    for (const query of catalog.all) {
      expect(query.dependsOn.length, query.name).toBeGreaterThan(0);
      for (const key of query.dependsOn) expect(known.has(key), `${query.name}: ${key}`).toBe(true);
    }
  });

  it('derives what a query depends on from the dimensions it joins', () => {
    expect(catalog.get('sales_top_designs').dependsOn).toEqual([
      'fact_sales_order',
      'dim_currency',
      'dim_design',
    ]);
    expect(catalog.get('sales_by_staff').dependsOn).toEqual([
      'fact_sales_order',
      'dim_currency',
      'dim_staff',
    ]);
    expect(catalog.get('payments_by_type').dependsOn).toEqual([
      'fact_payment',
      'dim_currency',
      'dim_payment_type',
    ]);
    expect(catalog.get('recent_runs').dependsOn).toEqual([healthKey]);
  });

  it('filters every star query by the date range and the currency', () => {
    for (const query of catalog.all.filter(
      (candidate) => findModel(candidate.dependsOn[0] ?? '')?.kind === 'fact',
    )) {
      expect(query.sql.params, query.name).toEqual(expect.arrayContaining(['from', 'to', 'currency']));
    }
  });

  it('leaves no named placeholder in the SQL it sends', () => {
    for (const query of catalog.all) expect(query.sql.text, query.name).not.toMatch(/\$[a-z]/);
  });

  it('uses the schemas it was built for', () => {
    const other = createQueryCatalog({ warehouse: 'stars', state: 'platform' });

    expect(other.get('sales_totals').sql.text).toContain('"stars"."fact_sales_order_current"');
    expect(other.get('recent_runs').sql.text).toContain('"platform".run');
  });

  it('refuses a name it does not hold', () => {
    expect(() => catalog.get('pg_sleep')).toThrow('no query or panel named "pg_sleep"');
  });
});

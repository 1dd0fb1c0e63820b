import { factModels } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { compileSql } from './placeholders';
import { currentVersionsSql, starSql } from './star';

describe('star queries built from the model', () => {
  it("read a fact's current rows from the table the loader keeps them in, and leave deleted rows out", () => {
    const [sales] = factModels.filter((fact) => fact.name === 'fact_sales_order');

    expect(currentVersionsSql('wh', sales!)).toBe(
      '(SELECT * FROM "wh"."fact_sales_order_current" AS current_rows WHERE current_rows."_deleted_at" IS NULL)',
    );
  });

  it('aggregate the fact by dimension keys first, then join each dimension to the aggregate for its labels', () => {
    const s = starSql('wh', 'fact_sales_order');
    s.aggregate({ by: ['design_id'], measures: { units: `sum(${s.col('units_sold')})` } });
    const name = s.dim('design_id', 'design_name');
    s.dim('design_id', 'design_id');
    const from = s.from();

    expect(name).toBe('"d_design_id"."design_name"');
    expect(from).toContain('SELECT f."design_id" AS "design_id", sum(f."units_sold") AS "units"');
    expect(from).toContain('GROUP BY 1');
    expect(from).toContain(
      'JOIN "wh"."dim_design" AS "d_design_id" ON "d_design_id"."design_id" = a."design_id"',
    );
    expect(from.match(/JOIN/g)).toHaveLength(1);
    expect(s.total('units')).toBe('sum(a."units")');
    expect(s.models()).toEqual(['fact_sales_order', 'dim_currency', 'dim_design']);
  });

  it('filter the fact by the date range and by a currency code looked up in dim_currency', () => {
    const s = starSql('wh', 'fact_payment');
    s.aggregate({ by: [], measures: { payments: 'count(*)' } });

    const compiled = compileSql(s.from());

    expect(compiled.params).toEqual(['from', 'to', 'currency']);
    expect(compiled.text).toContain('f."created_date" >= $1::date');
    expect(compiled.text).toContain(
      'f."currency_id" IN (SELECT "currency_id" FROM "wh"."dim_currency" WHERE "currency_code" = $3::text)',
    );
  });

  it('sum the rows per day first when a group is computed from the day, then add the measures up per group', () => {
    const s = starSql('wh', 'fact_payment');
    const period = `to_char(${s.col('created_date')}, 'YYYY-MM')`;
    s.aggregate({
      by: ['currency_id'],
      also: { period, status: `CASE WHEN ${s.col('paid')} THEN 'paid' END` },
      measures: { amount: `sum(${s.col('payment_amount')})`, payments: 'count(*)' },
    });

    const from = s.from();

    expect(from).toContain(
      'SELECT f."currency_id" AS "currency_id", f."created_date" AS "created_date", f."paid" AS "paid", ' +
        'sum(f."payment_amount") AS "amount", count(*) AS "payments"\n      FROM (SELECT * FROM "wh"."fact_payment_current"',
    );
    expect(from).toContain(
      `SELECT f."currency_id" AS "currency_id", to_char(f."created_date", 'YYYY-MM') AS "period", ` +
        `CASE WHEN f."paid" THEN 'paid' END AS "status", sum(f."amount") AS "amount", sum(f."payments") AS "payments"`,
    );
    expect(from.match(/GROUP BY 1, 2, 3/g)).toHaveLength(2);
  });

  it('read the current rows once, with no per-day step, when no group is computed from the day', () => {
    const s = starSql('wh', 'fact_payment');
    s.aggregate({ by: ['currency_id'], measures: { payments: 'count(*)' } });

    const from = s.from();

    expect(from.match(/SELECT/g)).toHaveLength(3);
    expect(from).toContain('SELECT f."currency_id" AS "currency_id", count(*) AS "payments"');
  });

  it('refuse a column the model does not declare, on the fact or on the dimension', () => {
    const s = starSql('wh', 'fact_payment');
    s.aggregate({ by: ['currency_id'], measures: {} });

    expect(() => s.col('amount; DROP TABLE x')).toThrow('fact_payment has no column amount; DROP TABLE x');
    expect(() => s.dim('currency_id', 'rate')).toThrow('dim_currency has no column rate');
    expect(() => s.aggregate({ by: ['paid'], measures: {} })).toThrow(
      'fact_payment.paid references no dimension',
    );
    expect(() => starSql('wh', 'dim_design')).toThrow('dim_design is not a fact of the model');
  });

  it('refuse a label of a column not grouped by, a measure not declared, and a join after FROM', () => {
    const s = starSql('wh', 'fact_purchase_order');
    s.aggregate({ by: ['currency_id'], also: { period: 'x' }, measures: { value: 'sum(1)' } });

    expect(() => s.dim('staff_id', 'first_name')).toThrow('fact_purchase_order.staff_id is not grouped by');
    expect(() => s.total('quantity')).toThrow('"quantity" is not a measure');
    expect(s.group('period')).toBe('a."period"');
    s.from();
    expect(() => s.dim('currency_id', 'currency_code')).toThrow(
      'its dimension is used after FROM was written',
    );
  });
});

import { factModels } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { currentVersionsSql, starSql } from './star';

describe('star queries built from the model', () => {
  it("read a fact's latest version of each source row by its version key, and leave deleted rows out", () => {
    const [sales] = factModels.filter((fact) => fact.name === 'fact_sales_order');

    expect(currentVersionsSql('wh', sales!)).toBe(
      '(SELECT * FROM (SELECT DISTINCT ON ("sales_order_id") * FROM "wh"."fact_sales_order" ORDER BY "sales_order_id", "last_updated_date" DESC, "last_updated_time" DESC) AS latest WHERE latest."_deleted_at" IS NULL)',
    );
  });

  it('join a dimension on the key the fact column references, once however often it is used', () => {
    const s = starSql('wh', 'fact_sales_order');
    const name = s.dim('design_id', 'design_name');
    s.dim('design_id', 'design_id');

    expect(name).toBe('"d_design_id"."design_name"');
    expect(s.from()).toContain(
      'JOIN "wh"."dim_design" AS "d_design_id" ON "d_design_id"."design_id" = f."design_id"',
    );
    expect(s.from().match(/JOIN/g)).toHaveLength(1);
    expect(s.models()).toEqual(['fact_sales_order', 'dim_design']);
  });

  it('join the same dimension twice under two names when two columns reference it', () => {
    const s = starSql('wh', 'fact_sales_order');
    s.dim('agreed_payment_date', 'month_name');
    s.dim('created_date', 'year');

    expect(s.from().match(/JOIN "wh"."dim_date"/g)).toHaveLength(2);
    expect(s.models()).toEqual(['fact_sales_order', 'dim_date']);
  });

  it('refuse a column the model does not declare, on the fact or on the dimension', () => {
    const s = starSql('wh', 'fact_payment');

    expect(() => s.col('amount; DROP TABLE x')).toThrow('fact_payment has no column amount; DROP TABLE x');
    expect(() => s.dim('currency_id', 'rate')).toThrow('dim_currency has no column rate');
    expect(() => s.dim('paid', 'x')).toThrow('fact_payment.paid references no dimension');
    expect(() => starSql('wh', 'dim_design')).toThrow('dim_design is not a fact of the model');
  });

  it('refuse a dimension first used after FROM was written, which FROM would lack', () => {
    const s = starSql('wh', 'fact_purchase_order');
    s.from();

    expect(() => s.dim('staff_id', 'first_name')).toThrow('its dimension is used after FROM was written');
  });
});

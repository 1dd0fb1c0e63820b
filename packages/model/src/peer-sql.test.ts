import { describe, expect, it } from 'vitest';
import { derivationSql } from './derive-sql';
import { peerModelSql, peerRebuildSql, peerSchemasDdl, peerSelectSql } from './peer-sql';
import { sourceTables } from './source-catalog';
import { warehouseModels } from './warehouse-model';

const schemas = { staging: 'peer_staging', target: 'peer_warehouse' };

describe('the ELT peer generated from the model', () => {
  it('rebuilds every warehouse model, in model order, as CREATE TABLE … AS SELECT', () => {
    const statements = peerRebuildSql(schemas);

    expect(statements.map((statement) => statement.model)).toEqual(
      warehouseModels.map((model) => model.name),
    );
    for (const { model, sql } of statements) {
      expect(sql.startsWith(`CREATE TABLE "peer_warehouse"."${model}" AS\nSELECT `)).toBe(true);
    }
  });

  it('selects each declared column by the SQL form of its derivation, cast to its warehouse type', () => {
    const fact = warehouseModels.find((model) => model.name === 'fact_sales_order');
    if (!fact) throw new Error('no fact_sales_order');

    const sql = peerSelectSql(schemas.staging, fact);

    for (const column of fact.columns) {
      expect(sql).toContain(`(${derivationSql(column.derive)})::${column.sql} AS "${column.name}"`);
    }
    expect(sql).toContain('FROM "peer_staging"."sales_order" AS "sales_order"');
  });

  it("joins a dimension's lookups on the lookup's primary key", () => {
    const staff = warehouseModels.find((model) => model.name === 'dim_staff');
    if (!staff) throw new Error('no dim_staff');

    expect(peerModelSql(schemas, staff)).toContain(
      'INNER JOIN "peer_staging"."department" AS "department" ON "department"."department_id" = "staff"."department_id"',
    );
  });

  it('builds the calendar from the distinct days the facts reference', () => {
    const calendar = warehouseModels.find((model) => model.build === 'calendar');
    if (!calendar) throw new Error('no calendar');

    const sql = peerSelectSql(schemas.staging, calendar);

    // Two stamps and two agreed days on each order fact, and the payment's created, updated and payment days.
    expect(sql.split('\nUNION\n')).toHaveLength(11);
    expect(sql).toContain('WHERE days.day IS NOT NULL');
  });

  it('lands an enum of the source as text in staging, with every catalog column and the primary key', () => {
    const ddl = peerSchemasDdl(schemas);
    const paymentType = ddl.find((statement) => statement.includes('"peer_staging"."payment_type"'));

    expect(ddl).toHaveLength(2 + sourceTables.length);
    expect(paymentType).toContain('"payment_type_name" text NOT NULL');
    expect(paymentType).toContain('PRIMARY KEY ("payment_type_id")');
  });
});

import { describe, expect, it } from 'vitest';
import { warehouseDdl } from './ddl';

const postgres18 = 180_004;
const postgres17 = 170_010;
const ddl = warehouseDdl('warehouse', postgres18);

/** The CREATE TABLE statement of one table. */
function createTable(name: string): string {
  const statement = ddl
    .split('\n\n')
    .find((part) => part.startsWith(`CREATE TABLE IF NOT EXISTS "warehouse"."${name}" (`));
  if (!statement) throw new Error(`no CREATE TABLE for ${name}`);
  return statement;
}

// SCHEMA.md section 2: the primary key of every dimension.
const dimensionKeys = [
  ['dim_date', 'date_id'],
  ['dim_staff', 'staff_id'],
  ['dim_location', 'location_id'],
  ['dim_design', 'design_id'],
  ['dim_currency', 'currency_id'],
  ['dim_counterparty', 'counterparty_id'],
  ['dim_payment_type', 'payment_type_id'],
  ['dim_transaction', 'transaction_id'],
];

const facts = [
  ['fact_sales_order', 'sales_record_id', 'sales_order_id'],
  ['fact_purchase_order', 'purchase_record_id', 'purchase_order_id'],
  ['fact_payment', 'payment_record_id', 'payment_id'],
];

describe('warehouseDdl', () => {
  it('creates the schema first, only if it is missing', () => {
    expect(ddl.startsWith('CREATE SCHEMA IF NOT EXISTS "warehouse";\n\n')).toBe(true);
  });

  it("creates the 11 tables and each fact's current-rows table, each only if it is missing", () => {
    expect(ddl.match(/CREATE TABLE IF NOT EXISTS /g)).toHaveLength(11 + 3);
  });

  it.each(facts)(
    'keeps the current rows of %s by its source key, without the record id, deletions as tombstones',
    (name, recordId, sourceId) => {
      const statement = createTable(`${name}_current`);

      expect(statement).toContain(`\n  PRIMARY KEY ("${sourceId}")\n);`);
      expect(statement).toContain('\n  "_deleted_at" timestamp(3),\n');
      expect(statement).not.toContain(recordId);
      expect(ddl).toContain(
        `CREATE INDEX IF NOT EXISTS "${name}_current_created_date_idx" ON "warehouse"."${name}_current" ("created_date");`,
      );
    },
  );

  it("fills a current-rows table from its fact's latest versions only while it is empty", () => {
    expect(ddl).toContain(
      'SELECT DISTINCT ON ("payment_id") "payment_id", "created_date", ' +
        '"created_time", "last_updated_date", "last_updated_time", "transaction_id", "counterparty_id", ' +
        '"payment_amount", "currency_id", "payment_type_id", "paid", "payment_date", "_deleted_at" FROM "warehouse"."fact_payment"\n' +
        '  WHERE NOT EXISTS (SELECT 1 FROM "warehouse"."fact_payment_current")\n' +
        '  ORDER BY "payment_id", "last_updated_date" DESC, "last_updated_time" DESC',
    );
  });

  it.each(dimensionKeys)('gives %s the primary key %s', (name, key) => {
    expect(createTable(name)).toContain(`\n  PRIMARY KEY ("${key}")\n);`);
  });

  it.each(facts)('gives %s a serial record id %s and a unique version key', (name, recordId, sourceId) => {
    const statement = createTable(name);

    expect(statement).toContain(`(\n  "${recordId}" serial PRIMARY KEY,\n`);
    expect(statement).toContain(`\n  UNIQUE ("${sourceId}", "last_updated_date", "last_updated_time")\n);`);
    expect(statement).not.toContain('_source_version');
  });

  it('keeps the source version of a table dimension, but not of the calendar', () => {
    expect(createTable('dim_staff')).toContain('"_source_version" text NOT NULL');
    expect(createTable('dim_date')).not.toContain('_source_version');
  });

  it('quotes every column and marks NOT NULL all but the nullable ones', () => {
    expect(createTable('dim_counterparty').split('\n').slice(1, 11)).toEqual([
      '  "counterparty_id" integer NOT NULL,',
      '  "counterparty_legal_name" varchar NOT NULL,',
      '  "counterparty_legal_address_line_1" varchar NOT NULL,',
      '  "counterparty_legal_address_line_2" varchar,',
      '  "counterparty_legal_district" varchar,',
      '  "counterparty_legal_city" varchar NOT NULL,',
      '  "counterparty_legal_postal_code" varchar NOT NULL,',
      '  "counterparty_legal_country" varchar NOT NULL,',
      '  "counterparty_legal_phone_number" varchar NOT NULL,',
      '  "_source_version" text NOT NULL,',
    ]);
  });

  it('keeps milliseconds in fact times and money exact', () => {
    const statement = createTable('fact_sales_order');

    expect(statement).toContain('"created_time" time(3) NOT NULL');
    expect(statement).toContain('"unit_price" numeric(10,2) NOT NULL');
    expect(statement).toContain('"agreed_delivery_date" date NOT NULL');
  });

  it('declares one NOT ENFORCED foreign key per fact column that references a dimension, tolerating a rerun', () => {
    expect(ddl.match(/ADD CONSTRAINT /g)).toHaveLength(9 + 8 + 7);
    expect(ddl.match(/\) NOT ENFORCED;\n/g)).toHaveLength(9 + 8 + 7);
    expect(ddl).toContain(
      'ALTER TABLE "warehouse"."fact_sales_order" ADD CONSTRAINT "fact_sales_order_sales_staff_id_fkey"\n' +
        '    FOREIGN KEY ("sales_staff_id") REFERENCES "warehouse"."dim_staff" ("staff_id") NOT ENFORCED;\n' +
        'EXCEPTION WHEN duplicate_object THEN NULL;',
    );
  });

  it('drops a foreign key an older platform left enforced before declaring it again', () => {
    expect(ddl).toContain(
      "AND conname = 'fact_sales_order_sales_staff_id_fkey' AND conenforced) THEN\n" +
        '    ALTER TABLE "warehouse"."fact_sales_order" DROP CONSTRAINT "fact_sales_order_sales_staff_id_fkey";',
    );
  });

  it("leaves out the facts' foreign keys before PostgreSQL 18, dropping any made earlier", () => {
    const older = warehouseDdl('warehouse', postgres17);

    expect(older).not.toContain('FOREIGN KEY');
    expect(older.match(/DROP CONSTRAINT IF EXISTS /g)).toHaveLength(9 + 8 + 7);
    expect(older).toContain(
      'ALTER TABLE "warehouse"."fact_payment" DROP CONSTRAINT IF EXISTS "fact_payment_transaction_id_fkey";',
    );
    expect(older.match(/CREATE TABLE IF NOT EXISTS /g)).toHaveLength(11 + 3);
  });

  it('creates every table before the foreign keys that point at them', () => {
    expect(ddl.lastIndexOf('CREATE TABLE')).toBeLessThan(ddl.indexOf('FOREIGN KEY'));
  });

  it('quotes the schema name, escaping a double quote inside it', () => {
    const odd = warehouseDdl('we"ird', postgres18);

    expect(odd.startsWith('CREATE SCHEMA IF NOT EXISTS "we""ird";')).toBe(true);
    expect(odd).toContain('CREATE TABLE IF NOT EXISTS "we""ird"."dim_date" (');
  });
});

import { findModel, type WarehouseModel } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { mergeSql } from './staging';

function model(name: string): WarehouseModel {
  const found = findModel(name);
  if (!found) throw new Error(`no model ${name}`);
  return found;
}

/** The statement on one line, so assertions do not depend on its layout. */
const merge = (name: string) => mergeSql('w', model(name)).replace(/\s+/g, ' ');

describe('mergeSql', () => {
  it('upserts a dimension by key only when the incoming source version is newer, or equal with other values', () => {
    const sql = merge('dim_currency');

    expect(sql).toContain(
      'INSERT INTO "w"."dim_currency" ("currency_id", "currency_code", "currency_name", "_source_version", "_deleted_at") ' +
        'SELECT DISTINCT ON ("currency_id") "currency_id", "currency_code", "currency_name", "_source_version", "_deleted_at" ' +
        'FROM totes_staging ORDER BY "currency_id", "_source_version" DESC',
    );
    expect(sql).toContain(
      'ON CONFLICT ("currency_id") DO UPDATE SET "currency_code" = EXCLUDED."currency_code", ' +
        '"currency_name" = EXCLUDED."currency_name", "_source_version" = EXCLUDED."_source_version", ' +
        '"_deleted_at" = EXCLUDED."_deleted_at"',
    );
    expect(sql).toContain(
      'WHERE "w"."dim_currency"."_source_version" < EXCLUDED."_source_version" ' +
        'OR ("w"."dim_currency"."_source_version" = EXCLUDED."_source_version" AND ' +
        '("w"."dim_currency"."currency_code", "w"."dim_currency"."currency_name", "w"."dim_currency"."_source_version", ' +
        '"w"."dim_currency"."_deleted_at") IS DISTINCT FROM (EXCLUDED."currency_code", EXCLUDED."currency_name", ' +
        'EXCLUDED."_source_version", EXCLUDED."_deleted_at"))',
    );
  });

  it('never rewrites the key of a dimension row', () => {
    expect(merge('dim_staff')).not.toContain('"staff_id" = EXCLUDED');
  });

  it.each([
    ['fact_sales_order', '"sales_order_id", "last_updated_date", "last_updated_time"', 'sales_record_id'],
    ['fact_payment', '"payment_id", "last_updated_date", "last_updated_time"', 'payment_record_id'],
  ])(
    'inserts %s rows, skipping a version already held, and leaves the record id to the serial',
    (name, key, recordId) => {
      const sql = merge(name);

      expect(sql).toContain(`SELECT DISTINCT ON (${key})`);
      expect(sql).toMatch(new RegExp(`ON CONFLICT \\(${key}\\) DO NOTHING$`));
      expect(sql).not.toContain('DO UPDATE');
      expect(sql).not.toContain(recordId);
    },
  );

  it('inserts calendar days that are missing and leaves the others alone', () => {
    const sql = merge('dim_date');

    expect(sql).toMatch(/ON CONFLICT \("date_id"\) DO NOTHING$/);
    expect(sql).not.toContain('_source_version');
  });
});

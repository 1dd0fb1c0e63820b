import { describe, expect, it } from 'vitest';
import { measuredTables, prerequisiteTables } from './inbox-files';

describe('prerequisiteTables', () => {
  it("names the tables of the dimensions the measured facts reference, not the calendar's or the facts' own", () => {
    expect(prerequisiteTables(measuredTables)).toEqual([
      'address',
      'counterparty',
      'currency',
      'department',
      'design',
      'payment_type',
      'staff',
      'transaction',
    ]);
  });

  it('needs no transaction table for sales orders alone', () => {
    expect(prerequisiteTables(['sales_order'])).not.toContain('transaction');
  });
});

import { describe, expect, it } from 'vitest';
import { deriveFactRow } from './derive';
import { findModel } from './graph';
import type { FactModel } from './types';

function fact(name: string): FactModel {
  const model = findModel(name);
  if (model?.kind !== 'fact') throw new Error(`${name} is not a fact`);
  return model;
}

describe('deriveFactRow', () => {
  it('builds a fact_sales_order row from one sales_order row: split timestamps, renamed staff, cast dates', () => {
    const salesOrder = {
      sales_order_id: 7,
      created_at: '2024-11-15T09:30:05.123',
      last_updated: '2024-11-16T14:20:52.186',
      design_id: 3,
      staff_id: 12,
      counterparty_id: 5,
      units_sold: 1500,
      unit_price: '2.50',
      currency_id: 1,
      agreed_delivery_date: '2024-11-20',
      agreed_payment_date: '2024-11-22',
      agreed_delivery_location_id: 9,
    };

    expect(deriveFactRow(fact('fact_sales_order'), salesOrder)).toStrictEqual({
      sales_order_id: 7,
      created_date: '2024-11-15',
      created_time: '09:30:05.123',
      last_updated_date: '2024-11-16',
      last_updated_time: '14:20:52.186',
      sales_staff_id: 12,
      counterparty_id: 5,
      units_sold: 1500,
      unit_price: '2.50',
      currency_id: 1,
      design_id: 3,
      agreed_payment_date: '2024-11-22',
      agreed_delivery_date: '2024-11-20',
      agreed_delivery_location_id: 9,
      _deleted_at: null,
    });
  });

  it('builds a fact_purchase_order row from one purchase_order row', () => {
    const purchaseOrder = {
      purchase_order_id: 41,
      created_at: '2024-10-01T00:00:00.000',
      last_updated: '2024-10-02T23:59:59.999',
      staff_id: 2,
      counterparty_id: 8,
      item_code: 'ZDOI5EA',
      item_quantity: 371,
      item_unit_price: '361.39',
      currency_id: 2,
      agreed_delivery_date: '2024-10-09',
      agreed_payment_date: '2024-10-11',
      agreed_delivery_location_id: 6,
    };

    expect(deriveFactRow(fact('fact_purchase_order'), purchaseOrder)).toStrictEqual({
      purchase_order_id: 41,
      created_date: '2024-10-01',
      created_time: '00:00:00.000',
      last_updated_date: '2024-10-02',
      last_updated_time: '23:59:59.999',
      staff_id: 2,
      counterparty_id: 8,
      item_code: 'ZDOI5EA',
      item_quantity: 371,
      item_unit_price: '361.39',
      currency_id: 2,
      agreed_delivery_date: '2024-10-09',
      agreed_payment_date: '2024-10-11',
      agreed_delivery_location_id: 6,
      _deleted_at: null,
    });
  });

  it('builds a fact_payment row from one payment row, dropping the account numbers', () => {
    const payment = {
      payment_id: 100,
      created_at: '2024-11-03T12:00:00.250',
      last_updated: '2024-11-04T08:15:00.000',
      transaction_id: 100,
      counterparty_id: 15,
      payment_amount: '3750.00',
      currency_id: 3,
      payment_type_id: 1,
      paid: true,
      payment_date: '2024-11-04',
      company_ac_number: 67305075,
      counterparty_ac_number: 31622269,
    };

    expect(deriveFactRow(fact('fact_payment'), payment)).toStrictEqual({
      payment_id: 100,
      created_date: '2024-11-03',
      created_time: '12:00:00.250',
      last_updated_date: '2024-11-04',
      last_updated_time: '08:15:00.000',
      transaction_id: 100,
      counterparty_id: 15,
      payment_amount: '3750.00',
      currency_id: 3,
      payment_type_id: 1,
      paid: true,
      payment_date: '2024-11-04',
      _deleted_at: null,
    });
  });
});

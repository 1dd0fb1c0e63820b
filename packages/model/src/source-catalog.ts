import { numeric } from './numeric';
import { LakeType, type SourceColumn, type SourceTable } from './types';

const int = (name: string, nullable = false): SourceColumn => ({
  name,
  sql: 'integer',
  lake: LakeType.int32,
  nullable,
});
const text = (name: string, nullable = false): SourceColumn => ({
  name,
  sql: 'text',
  lake: LakeType.string,
  nullable,
});
const money = (name: string): SourceColumn => ({ name, ...numeric(10, 2), nullable: false });
const stamp = (name: string): SourceColumn => ({
  name,
  sql: 'timestamp(3)',
  lake: LakeType.timestamp,
  nullable: false,
});
const enumOf = (name: string, type: string): SourceColumn => ({
  name,
  sql: type,
  lake: LakeType.string,
  nullable: false,
});

/** Every totesys table has a serial key and the two audit timestamps around its own columns. */
function table(name: string, description: string, own: readonly SourceColumn[]): SourceTable {
  return {
    name,
    description,
    primaryKey: `${name}_id`,
    cursor: 'last_updated',
    columns: [int(`${name}_id`), stamp('created_at'), ...own, stamp('last_updated')],
  };
}

/** The 11 tables of totesys that the platform reads, as the live database defines them. */
export const sourceTables = [
  table('address', 'Postal addresses of counterparties and delivery locations.', [
    text('address_line_1'),
    text('address_line_2', true),
    text('district', true),
    text('city'),
    text('postal_code'),
    text('country'),
    text('phone'),
  ]),
  table('counterparty', 'Businesses that Terrific Totes buys from and sells to.', [
    text('counterparty_legal_name'),
    int('legal_address_id'),
    text('commercial_contact', true),
    text('delivery_contact', true),
  ]),
  table('currency', 'Currencies that orders and payments are made in.', [
    { name: 'currency_code', sql: 'character varying(3)', lake: LakeType.string, nullable: false },
  ]),
  table('department', 'Departments that staff work in.', [
    text('department_name'),
    text('location', true),
    text('manager', true),
  ]),
  table('design', 'Tote bag designs.', [text('design_name'), text('file_location'), text('file_name')]),
  table('staff', 'Employees; sales staff own sales orders.', [
    text('first_name'),
    text('last_name'),
    int('department_id'),
    text('email_address'),
  ]),
  table('sales_order', 'Orders of designs sold to counterparties.', [
    int('design_id'),
    int('staff_id'),
    int('counterparty_id'),
    int('units_sold'),
    money('unit_price'),
    int('currency_id'),
    text('agreed_delivery_date'),
    text('agreed_payment_date'),
    int('agreed_delivery_location_id'),
  ]),
  table('purchase_order', 'Orders of stock bought from counterparties.', [
    int('staff_id'),
    int('counterparty_id'),
    text('item_code'),
    int('item_quantity'),
    money('item_unit_price'),
    int('currency_id'),
    text('agreed_delivery_date'),
    text('agreed_payment_date'),
    int('agreed_delivery_location_id'),
  ]),
  table('payment_type', 'Kinds of payment: receipts, refunds and purchase payments.', [
    enumOf('payment_type_name', '"PaymentTypeName"'),
  ]),
  table('transaction', 'One transaction per sales or purchase order.', [
    enumOf('transaction_type', '"TransactionType"'),
    int('sales_order_id', true),
    int('purchase_order_id', true),
  ]),
  table('payment', 'Payments against transactions; `paid` flips when the money arrives.', [
    int('transaction_id'),
    int('counterparty_id'),
    money('payment_amount'),
    int('currency_id'),
    int('payment_type_id'),
    { name: 'paid', sql: 'boolean', lake: LakeType.boolean, nullable: false },
    text('payment_date'),
    int('company_ac_number'),
    int('counterparty_ac_number'),
  ]),
] as const satisfies readonly SourceTable[];

/** The name of a totesys table. */
export type SourceTableName = (typeof sourceTables)[number]['name'];

/** The names of the 11 totesys tables. */
export const sourceTableNames: readonly SourceTableName[] = sourceTables.map((source) => source.name);

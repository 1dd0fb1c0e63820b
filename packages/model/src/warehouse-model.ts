import { wh } from './columns';
import {
  type CalendarDimension,
  CalendarPart,
  type FactModel,
  LakeType,
  StarSchema,
  type TableDimension,
  type WarehouseModel,
} from './types';

const dimStaff: TableDimension = {
  name: 'dim_staff',
  kind: 'dimension',
  build: 'table',
  description: 'Staff with the name and location of their department.',
  primaryTable: 'staff',
  joins: [{ table: 'department', foreignKey: 'department_id', type: 'inner' }],
  key: 'staff_id',
  columns: [
    wh.int('staff_id', 'staff.staff_id', 'The staff member.'),
    wh.text('first_name', 'staff.first_name', 'First name.'),
    wh.text('last_name', 'staff.last_name', 'Last name.'),
    wh.text('department_name', 'department.department_name', 'The department they work in.'),
    wh.text('location', 'department.location', "The department's location.", { nullable: true }),
    wh.text('email_address', 'staff.email_address', 'Work email address.'),
  ],
};

const dimLocation: TableDimension = {
  name: 'dim_location',
  kind: 'dimension',
  build: 'table',
  description: 'Addresses that orders are delivered to.',
  primaryTable: 'address',
  joins: [],
  key: 'location_id',
  columns: [
    wh.int('location_id', 'address.address_id', 'The address.'),
    wh.text('address_line_1', 'address.address_line_1', 'First line.'),
    wh.text('address_line_2', 'address.address_line_2', 'Second line.', { nullable: true }),
    wh.text('district', 'address.district', 'District.', { nullable: true }),
    wh.text('city', 'address.city', 'City.'),
    wh.text('postal_code', 'address.postal_code', 'Postal code.'),
    wh.text('country', 'address.country', 'Country.'),
    wh.text('phone', 'address.phone', 'Phone number.'),
  ],
};

const dimDesign: TableDimension = {
  name: 'dim_design',
  kind: 'dimension',
  build: 'table',
  description: 'Tote bag designs.',
  primaryTable: 'design',
  joins: [],
  key: 'design_id',
  columns: [
    wh.int('design_id', 'design.design_id', 'The design.'),
    wh.text('design_name', 'design.design_name', 'Name of the design.'),
    wh.text('file_location', 'design.file_location', 'Folder of the design file.'),
    wh.text('file_name', 'design.file_name', 'Name of the design file.'),
  ],
};

const dimCurrency: TableDimension = {
  name: 'dim_currency',
  kind: 'dimension',
  build: 'table',
  description: 'Currencies, with their ISO 4217 names.',
  primaryTable: 'currency',
  joins: [],
  key: 'currency_id',
  columns: [
    wh.int('currency_id', 'currency.currency_id', 'The currency.'),
    wh.text('currency_code', 'currency.currency_code', 'ISO 4217 code.'),
    wh.currencyName('currency_name', 'currency.currency_code', 'ISO 4217 name, looked up from the code.'),
  ],
};

const dimCounterparty: TableDimension = {
  name: 'dim_counterparty',
  kind: 'dimension',
  build: 'table',
  description: 'Counterparties with their legal address.',
  primaryTable: 'counterparty',
  joins: [{ table: 'address', foreignKey: 'legal_address_id', type: 'inner' }],
  key: 'counterparty_id',
  columns: [
    wh.int('counterparty_id', 'counterparty.counterparty_id', 'The counterparty.'),
    wh.text('counterparty_legal_name', 'counterparty.counterparty_legal_name', 'Legal name.'),
    wh.text('counterparty_legal_address_line_1', 'address.address_line_1', 'Legal address, first line.'),
    wh.text('counterparty_legal_address_line_2', 'address.address_line_2', 'Legal address, second line.', {
      nullable: true,
    }),
    wh.text('counterparty_legal_district', 'address.district', 'Legal address, district.', {
      nullable: true,
    }),
    wh.text('counterparty_legal_city', 'address.city', 'Legal address, city.'),
    wh.text('counterparty_legal_postal_code', 'address.postal_code', 'Legal address, postal code.'),
    wh.text('counterparty_legal_country', 'address.country', 'Legal address, country.'),
    wh.text('counterparty_legal_phone_number', 'address.phone', 'Legal address, phone.'),
  ],
};

const dimPaymentType: TableDimension = {
  name: 'dim_payment_type',
  kind: 'dimension',
  build: 'table',
  description: 'Kinds of payment.',
  primaryTable: 'payment_type',
  joins: [],
  key: 'payment_type_id',
  columns: [
    wh.int('payment_type_id', 'payment_type.payment_type_id', 'The payment type.'),
    wh.text('payment_type_name', 'payment_type.payment_type_name', 'SALES_RECEIPT, PURCHASE_PAYMENT, …'),
  ],
};

const dimTransaction: TableDimension = {
  name: 'dim_transaction',
  kind: 'dimension',
  build: 'table',
  description: 'Transactions, each tied to one sales or one purchase order.',
  primaryTable: 'transaction',
  joins: [],
  key: 'transaction_id',
  columns: [
    wh.int('transaction_id', 'transaction.transaction_id', 'The transaction.'),
    wh.text('transaction_type', 'transaction.transaction_type', 'SALE or PURCHASE.'),
    wh.int('sales_order_id', 'transaction.sales_order_id', 'The sales order, for a sale.', {
      nullable: true,
    }),
    wh.int('purchase_order_id', 'transaction.purchase_order_id', 'The purchase order, for a purchase.', {
      nullable: true,
    }),
  ],
};

const dimDate: CalendarDimension = {
  name: 'dim_date',
  kind: 'dimension',
  build: 'calendar',
  description: 'Calendar days: one row for every date that a fact references.',
  key: 'date_id',
  columns: [
    wh.calendar('date_id', CalendarPart.date, 'date', LakeType.date, 'The day.'),
    wh.calendar('year', CalendarPart.year, 'integer', LakeType.int32, 'Year.'),
    wh.calendar('month', CalendarPart.month, 'integer', LakeType.int32, 'Month, 1 = January.'),
    wh.calendar('day', CalendarPart.day, 'integer', LakeType.int32, 'Day of the month.'),
    wh.calendar(
      'day_of_week',
      CalendarPart.dayOfWeek,
      'integer',
      LakeType.int32,
      'ISO day: 1 = Monday … 7 = Sunday.',
    ),
    wh.calendar('day_name', CalendarPart.dayName, 'varchar', LakeType.string, 'Monday … Sunday.'),
    wh.calendar('month_name', CalendarPart.monthName, 'varchar', LakeType.string, 'January … December.'),
    wh.calendar('quarter', CalendarPart.quarter, 'integer', LakeType.int32, 'Quarter, 1 … 4.'),
  ],
};

const factSalesOrder: FactModel = {
  name: 'fact_sales_order',
  kind: 'fact',
  build: 'table',
  description: 'One row per version of a sales order.',
  primaryTable: 'sales_order',
  recordId: 'sales_record_id',
  stars: [StarSchema.sales],
  columns: [
    wh.int('sales_order_id', 'sales_order.sales_order_id', 'The sales order.'),
    wh.datePart('created_date', 'sales_order.created_at', 'Day the order was created.'),
    wh.timePart('created_time', 'sales_order.created_at', 'Time the order was created.'),
    wh.datePart('last_updated_date', 'sales_order.last_updated', 'Day of this version.'),
    wh.timePart('last_updated_time', 'sales_order.last_updated', 'Time of this version.'),
    wh.int('sales_staff_id', 'sales_order.staff_id', 'The salesperson.', { references: 'dim_staff' }),
    wh.int('counterparty_id', 'sales_order.counterparty_id', 'The buyer.', {
      references: 'dim_counterparty',
    }),
    wh.int('units_sold', 'sales_order.units_sold', 'Units sold.'),
    wh.money('unit_price', 'sales_order.unit_price', 'Price per unit.'),
    wh.int('currency_id', 'sales_order.currency_id', 'Currency of the price.', {
      references: 'dim_currency',
    }),
    wh.int('design_id', 'sales_order.design_id', 'The design sold.', { references: 'dim_design' }),
    wh.parseDate('agreed_payment_date', 'sales_order.agreed_payment_date', 'Agreed payment day.'),
    wh.parseDate('agreed_delivery_date', 'sales_order.agreed_delivery_date', 'Agreed delivery day.'),
    wh.int('agreed_delivery_location_id', 'sales_order.agreed_delivery_location_id', 'Delivery address.', {
      references: 'dim_location',
    }),
  ],
};

const factPurchaseOrder: FactModel = {
  name: 'fact_purchase_order',
  kind: 'fact',
  build: 'table',
  description: 'One row per version of a purchase order.',
  primaryTable: 'purchase_order',
  recordId: 'purchase_record_id',
  stars: [StarSchema.purchases],
  columns: [
    wh.int('purchase_order_id', 'purchase_order.purchase_order_id', 'The purchase order.'),
    wh.datePart('created_date', 'purchase_order.created_at', 'Day the order was created.'),
    wh.timePart('created_time', 'purchase_order.created_at', 'Time the order was created.'),
    wh.datePart('last_updated_date', 'purchase_order.last_updated', 'Day of this version.'),
    wh.timePart('last_updated_time', 'purchase_order.last_updated', 'Time of this version.'),
    wh.int('staff_id', 'purchase_order.staff_id', 'The buyer on our side.', { references: 'dim_staff' }),
    wh.int('counterparty_id', 'purchase_order.counterparty_id', 'The supplier.', {
      references: 'dim_counterparty',
    }),
    wh.text('item_code', 'purchase_order.item_code', 'Code of the item bought.'),
    wh.int('item_quantity', 'purchase_order.item_quantity', 'Quantity bought.'),
    wh.money('item_unit_price', 'purchase_order.item_unit_price', 'Price per item.'),
    wh.int('currency_id', 'purchase_order.currency_id', 'Currency of the price.', {
      references: 'dim_currency',
    }),
    wh.parseDate('agreed_delivery_date', 'purchase_order.agreed_delivery_date', 'Agreed delivery day.'),
    wh.parseDate('agreed_payment_date', 'purchase_order.agreed_payment_date', 'Agreed payment day.'),
    wh.int('agreed_delivery_location_id', 'purchase_order.agreed_delivery_location_id', 'Delivery address.', {
      references: 'dim_location',
    }),
  ],
};

const factPayment: FactModel = {
  name: 'fact_payment',
  kind: 'fact',
  build: 'table',
  description: 'One row per version of a payment; a payment flipping to paid adds a row.',
  primaryTable: 'payment',
  recordId: 'payment_record_id',
  stars: [StarSchema.payments],
  columns: [
    wh.int('payment_id', 'payment.payment_id', 'The payment.'),
    wh.datePart('created_date', 'payment.created_at', 'Day the payment was created.'),
    wh.timePart('created_time', 'payment.created_at', 'Time the payment was created.'),
    wh.datePart('last_updated_date', 'payment.last_updated', 'Day of this version.'),
    wh.timePart('last_updated_time', 'payment.last_updated', 'Time of this version.'),
    wh.int('transaction_id', 'payment.transaction_id', 'The transaction paid.', {
      references: 'dim_transaction',
    }),
    wh.int('counterparty_id', 'payment.counterparty_id', 'The payer or payee.', {
      references: 'dim_counterparty',
    }),
    wh.money('payment_amount', 'payment.payment_amount', 'Amount.'),
    wh.int('currency_id', 'payment.currency_id', 'Currency of the amount.', { references: 'dim_currency' }),
    wh.int('payment_type_id', 'payment.payment_type_id', 'Kind of payment.', {
      references: 'dim_payment_type',
    }),
    wh.bool('paid', 'payment.paid', 'Whether the money has arrived.'),
    wh.parseDate('payment_date', 'payment.payment_date', 'Day of payment.'),
  ],
};

/**
 * The warehouse, declared once. Routing, filter policies, DDL, docs and tests are derived from this list.
 * Dimensions come before facts: the order in which a full load should land.
 */
export const warehouseModels = [
  dimDate,
  dimStaff,
  dimLocation,
  dimDesign,
  dimCurrency,
  dimCounterparty,
  dimPaymentType,
  dimTransaction,
  factSalesOrder,
  factPurchaseOrder,
  factPayment,
] as const satisfies readonly WarehouseModel[];

/** The name of a warehouse model. */
export type ModelName = (typeof warehouseModels)[number]['name'];

import type { PaymentTypeName, TotesysTable, TransactionType } from './ddl';

/** A `timestamp(3)` value as text: `'YYYY-MM-DD HH:MM:SS.mmm'` (UTC, no zone). */
export type TimestampText = string;
/** A calendar date stored as text, `'YYYY-MM-DD'`, as the live database keeps agreed/payment dates. */
export type DateText = string;
/** A `numeric(10,2)` value as text with exactly two decimals, e.g. `'12.30'`. */
export type NumericText = string;

/** A seed for the deterministic generator and mutator; `42` and `'42'` are the same seed. */
export type TotesysSeed = number | string;

/** Row of `address`. */
export interface AddressRow {
  address_id: number;
  address_line_1: string;
  address_line_2: string | null;
  district: string | null;
  city: string;
  postal_code: string;
  country: string;
  phone: string;
  created_at: TimestampText;
  last_updated: TimestampText;
}

/** Row of `counterparty`. */
export interface CounterpartyRow {
  counterparty_id: number;
  counterparty_legal_name: string;
  legal_address_id: number;
  commercial_contact: string | null;
  delivery_contact: string | null;
  created_at: TimestampText;
  last_updated: TimestampText;
}

/** Row of `currency`. */
export interface CurrencyRow {
  currency_id: number;
  currency_code: string;
  created_at: TimestampText;
  last_updated: TimestampText;
}

/** Row of `department`. */
export interface DepartmentRow {
  department_id: number;
  department_name: string;
  location: string | null;
  manager: string | null;
  created_at: TimestampText;
  last_updated: TimestampText;
}

/** Row of `design`. */
export interface DesignRow {
  design_id: number;
  created_at: TimestampText;
  design_name: string;
  file_location: string;
  file_name: string;
  last_updated: TimestampText;
}

/** Row of `payment_type`. */
export interface PaymentTypeRow {
  payment_type_id: number;
  payment_type_name: PaymentTypeName;
  created_at: TimestampText;
  last_updated: TimestampText;
}

/** Row of `staff`. */
export interface StaffRow {
  staff_id: number;
  first_name: string;
  last_name: string;
  department_id: number;
  email_address: string;
  created_at: TimestampText;
  last_updated: TimestampText;
}

/** Row of `sales_order`. */
export interface SalesOrderRow {
  sales_order_id: number;
  created_at: TimestampText;
  last_updated: TimestampText;
  design_id: number;
  staff_id: number;
  counterparty_id: number;
  units_sold: number;
  unit_price: NumericText;
  currency_id: number;
  agreed_delivery_date: DateText;
  agreed_payment_date: DateText;
  agreed_delivery_location_id: number;
}

/** Row of `purchase_order`. */
export interface PurchaseOrderRow {
  purchase_order_id: number;
  created_at: TimestampText;
  last_updated: TimestampText;
  staff_id: number;
  counterparty_id: number;
  item_code: string;
  item_quantity: number;
  item_unit_price: NumericText;
  currency_id: number;
  agreed_delivery_date: DateText;
  agreed_payment_date: DateText;
  agreed_delivery_location_id: number;
}

/** Row of `transaction`: exactly one of the two order ids is set. */
export interface TransactionRow {
  transaction_id: number;
  transaction_type: TransactionType;
  sales_order_id: number | null;
  purchase_order_id: number | null;
  created_at: TimestampText;
  last_updated: TimestampText;
}

/** Row of `payment`. */
export interface PaymentRow {
  payment_id: number;
  created_at: TimestampText;
  last_updated: TimestampText;
  transaction_id: number;
  counterparty_id: number;
  payment_amount: NumericText;
  currency_id: number;
  payment_type_id: number;
  paid: boolean;
  payment_date: DateText;
  company_ac_number: number;
  counterparty_ac_number: number;
}

/** The row type of each totesys table. */
export interface TotesysRows {
  address: AddressRow;
  counterparty: CounterpartyRow;
  currency: CurrencyRow;
  department: DepartmentRow;
  design: DesignRow;
  payment_type: PaymentTypeRow;
  staff: StaffRow;
  sales_order: SalesOrderRow;
  purchase_order: PurchaseOrderRow;
  transaction: TransactionRow;
  payment: PaymentRow;
}

/** Any value a generated row holds: ints, text (numerics, dates and timestamps too), booleans, `null`. */
export type TotesysValue = string | number | boolean | null;

/** Row counts per table. */
export type TotesysRowCounts = Readonly<Record<TotesysTable, number>>;

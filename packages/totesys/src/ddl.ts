/** Values of the Postgres enum `"PaymentTypeName"` (column `payment_type.payment_type_name`). */
export const PaymentTypeName = {
  salesReceipt: 'SALES_RECEIPT',
  salesRefund: 'SALES_REFUND',
  purchasePayment: 'PURCHASE_PAYMENT',
  purchaseRefund: 'PURCHASE_REFUND',
} as const;
/** One of the {@link PaymentTypeName} values. */
export type PaymentTypeName = (typeof PaymentTypeName)[keyof typeof PaymentTypeName];

/** Values of the Postgres enum `"TransactionType"` (column `transaction.transaction_type`). */
export const TransactionType = {
  sale: 'SALE',
  purchase: 'PURCHASE',
} as const;
/** One of the {@link TransactionType} values. */
export type TransactionType = (typeof TransactionType)[keyof typeof TransactionType];

/** The 11 totesys tables, in an order where every foreign key points at an earlier table (safe to insert in). */
export const totesysTables = [
  'address',
  'counterparty',
  'currency',
  'department',
  'design',
  'payment_type',
  'staff',
  'sales_order',
  'purchase_order',
  'transaction',
  'payment',
] as const;
/** The name of one totesys table. */
export type TotesysTable = (typeof totesysTables)[number];

/** The tables that grow with `scale`: orders and their transactions and payments. */
export const totesysTransactionalTables = [
  'sales_order',
  'purchase_order',
  'transaction',
  'payment',
] as const;

/** Each table's columns in the live database's physical order (what `SELECT *` returns). */
export const totesysColumns = {
  address: [
    'address_id',
    'address_line_1',
    'address_line_2',
    'district',
    'city',
    'postal_code',
    'country',
    'phone',
    'created_at',
    'last_updated',
  ],
  counterparty: [
    'counterparty_id',
    'counterparty_legal_name',
    'legal_address_id',
    'commercial_contact',
    'delivery_contact',
    'created_at',
    'last_updated',
  ],
  currency: ['currency_id', 'currency_code', 'created_at', 'last_updated'],
  department: ['department_id', 'department_name', 'location', 'manager', 'created_at', 'last_updated'],
  // The live table really has created_at second and last_updated last.
  design: ['design_id', 'created_at', 'design_name', 'file_location', 'file_name', 'last_updated'],
  payment_type: ['payment_type_id', 'payment_type_name', 'created_at', 'last_updated'],
  staff: [
    'staff_id',
    'first_name',
    'last_name',
    'department_id',
    'email_address',
    'created_at',
    'last_updated',
  ],
  sales_order: [
    'sales_order_id',
    'created_at',
    'last_updated',
    'design_id',
    'staff_id',
    'counterparty_id',
    'units_sold',
    'unit_price',
    'currency_id',
    'agreed_delivery_date',
    'agreed_payment_date',
    'agreed_delivery_location_id',
  ],
  purchase_order: [
    'purchase_order_id',
    'created_at',
    'last_updated',
    'staff_id',
    'counterparty_id',
    'item_code',
    'item_quantity',
    'item_unit_price',
    'currency_id',
    'agreed_delivery_date',
    'agreed_payment_date',
    'agreed_delivery_location_id',
  ],
  transaction: [
    'transaction_id',
    'transaction_type',
    'sales_order_id',
    'purchase_order_id',
    'created_at',
    'last_updated',
  ],
  payment: [
    'payment_id',
    'created_at',
    'last_updated',
    'transaction_id',
    'counterparty_id',
    'payment_amount',
    'currency_id',
    'payment_type_id',
    'paid',
    'payment_date',
    'company_ac_number',
    'counterparty_ac_number',
  ],
} as const satisfies Record<TotesysTable, readonly string[]>;

/** The serial primary key column of a table: always `<table>_id`. */
export function primaryKeyOf<T extends TotesysTable>(table: T): `${T}_id` {
  return `${table}_id`;
}

/** `public."<table>"`, quoted because `transaction` is a keyword. */
export function qualifiedTable(table: TotesysTable): string {
  return `public."${table}"`;
}

const stamps = `created_at timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_updated timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP(3)`;

/** One foreign key of the live schema; it always points at the referenced table's primary key. */
export interface TotesysForeignKey {
  readonly table: TotesysTable;
  readonly column: string;
  readonly references: TotesysTable;
  /** Only a transaction's order links are cleared when the order goes; the rest restrict. */
  readonly onDelete?: 'SET NULL';
}

/** The foreign keys of the live schema, named as Postgres (and Prisma) name them: `<table>_<column>_fkey`. */
export const totesysForeignKeys: readonly TotesysForeignKey[] = [
  { table: 'counterparty', column: 'legal_address_id', references: 'address' },
  { table: 'staff', column: 'department_id', references: 'department' },
  { table: 'sales_order', column: 'design_id', references: 'design' },
  { table: 'sales_order', column: 'staff_id', references: 'staff' },
  { table: 'sales_order', column: 'counterparty_id', references: 'counterparty' },
  { table: 'sales_order', column: 'currency_id', references: 'currency' },
  { table: 'sales_order', column: 'agreed_delivery_location_id', references: 'address' },
  { table: 'purchase_order', column: 'staff_id', references: 'staff' },
  { table: 'purchase_order', column: 'counterparty_id', references: 'counterparty' },
  { table: 'purchase_order', column: 'currency_id', references: 'currency' },
  { table: 'purchase_order', column: 'agreed_delivery_location_id', references: 'address' },
  { table: 'transaction', column: 'sales_order_id', references: 'sales_order', onDelete: 'SET NULL' },
  { table: 'transaction', column: 'purchase_order_id', references: 'purchase_order', onDelete: 'SET NULL' },
  { table: 'payment', column: 'transaction_id', references: 'transaction' },
  { table: 'payment', column: 'counterparty_id', references: 'counterparty' },
  { table: 'payment', column: 'currency_id', references: 'currency' },
  { table: 'payment', column: 'payment_type_id', references: 'payment_type' },
];

/**
 * The enums and tables, without foreign keys. Idempotent. Seeding loads rows between this and
 * {@link totesysForeignKeysDdl}: one validation pass per key is far cheaper than a trigger per copied row.
 */
export const totesysTablesDdl = `
DO $$ BEGIN
  CREATE TYPE public."PaymentTypeName" AS ENUM ('SALES_RECEIPT', 'SALES_REFUND', 'PURCHASE_PAYMENT', 'PURCHASE_REFUND');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
  CREATE TYPE public."TransactionType" AS ENUM ('SALE', 'PURCHASE');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE TABLE IF NOT EXISTS public."address" (
  address_id serial PRIMARY KEY,
  address_line_1 text NOT NULL,
  address_line_2 text,
  district text,
  city text NOT NULL,
  postal_code text NOT NULL,
  country text NOT NULL,
  phone text NOT NULL,
  ${stamps}
);

CREATE TABLE IF NOT EXISTS public."counterparty" (
  counterparty_id serial PRIMARY KEY,
  counterparty_legal_name text NOT NULL,
  legal_address_id integer NOT NULL,
  commercial_contact text,
  delivery_contact text,
  ${stamps}
);

CREATE TABLE IF NOT EXISTS public."currency" (
  currency_id serial PRIMARY KEY,
  currency_code varchar(3) NOT NULL,
  ${stamps}
);

CREATE TABLE IF NOT EXISTS public."department" (
  department_id serial PRIMARY KEY,
  department_name text NOT NULL,
  location text,
  manager text,
  ${stamps}
);

CREATE TABLE IF NOT EXISTS public."design" (
  design_id serial PRIMARY KEY,
  created_at timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  design_name text NOT NULL,
  file_location text NOT NULL,
  file_name text NOT NULL,
  last_updated timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
);

CREATE TABLE IF NOT EXISTS public."payment_type" (
  payment_type_id serial PRIMARY KEY,
  payment_type_name public."PaymentTypeName" NOT NULL,
  ${stamps}
);

CREATE TABLE IF NOT EXISTS public."staff" (
  staff_id serial PRIMARY KEY,
  first_name text NOT NULL,
  last_name text NOT NULL,
  department_id integer NOT NULL,
  email_address text NOT NULL,
  ${stamps}
);

CREATE TABLE IF NOT EXISTS public."sales_order" (
  sales_order_id serial PRIMARY KEY,
  created_at timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_updated timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  design_id integer NOT NULL,
  staff_id integer NOT NULL,
  counterparty_id integer NOT NULL,
  units_sold integer NOT NULL,
  unit_price numeric(10, 2) NOT NULL,
  currency_id integer NOT NULL,
  agreed_delivery_date text NOT NULL,
  agreed_payment_date text NOT NULL,
  agreed_delivery_location_id integer NOT NULL
);

CREATE TABLE IF NOT EXISTS public."purchase_order" (
  purchase_order_id serial PRIMARY KEY,
  created_at timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_updated timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  staff_id integer NOT NULL,
  counterparty_id integer NOT NULL,
  item_code text NOT NULL,
  item_quantity integer NOT NULL,
  item_unit_price numeric(10, 2) NOT NULL,
  currency_id integer NOT NULL,
  agreed_delivery_date text NOT NULL,
  agreed_payment_date text NOT NULL,
  agreed_delivery_location_id integer NOT NULL
);

CREATE TABLE IF NOT EXISTS public."transaction" (
  transaction_id serial PRIMARY KEY,
  transaction_type public."TransactionType" NOT NULL,
  sales_order_id integer UNIQUE,
  purchase_order_id integer UNIQUE,
  ${stamps}
);

CREATE TABLE IF NOT EXISTS public."payment" (
  payment_id serial PRIMARY KEY,
  created_at timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_updated timestamp(3) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  transaction_id integer NOT NULL UNIQUE,
  counterparty_id integer NOT NULL,
  payment_amount numeric(10, 2) NOT NULL,
  currency_id integer NOT NULL,
  payment_type_id integer NOT NULL,
  paid boolean NOT NULL,
  payment_date text NOT NULL,
  company_ac_number integer NOT NULL,
  counterparty_ac_number integer NOT NULL
);
`;

/** Adds every foreign key of {@link totesysForeignKeys} unless it already exists. */
export const totesysForeignKeysDdl = totesysForeignKeys
  .map(
    ({ table, column, references, onDelete }) => `
DO $$ BEGIN
  ALTER TABLE ${qualifiedTable(table)} ADD CONSTRAINT "${table}_${column}_fkey" FOREIGN KEY (${column})
    REFERENCES ${qualifiedTable(references)} (${primaryKeyOf(references)})${onDelete ? ` ON DELETE ${onDelete}` : ''};
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
`,
  )
  .join('');

/**
 * DDL of the live totesys database (Prisma-managed, Postgres 13): schema `public`, serial `<table>_id` keys,
 * `timestamp(3)` stamps, `text` dates, the two enums and the foreign keys. Idempotent: every statement is
 * guarded, so it can run against a database that already has the schema.
 */
export const totesysDdl = totesysTablesDdl + totesysForeignKeysDdl;

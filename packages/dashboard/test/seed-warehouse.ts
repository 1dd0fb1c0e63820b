import { type FactModel, findModel, sourceVersionColumn } from '@totes/model';
import { currentRowsFromFactSql } from '@totes/warehouse-loader';
import pg from 'pg';

type Row = Record<string, string | number | boolean | null>;

/**
 * Inserts rows into a warehouse table; dimensions get a `_source_version`, and a fact's current rows are brought up
 * to date as the loader does after it copies rows straight into the fact. Test data only, names from this file.
 */
export async function insertRows(pool: pg.Pool, schema: string, table: string, rows: readonly Row[]) {
  for (const row of rows) {
    const full =
      table.startsWith('dim_') && table !== 'dim_date' ? { ...row, [sourceVersionColumn]: '0' } : row;
    const columns = Object.keys(full);
    await pool.query(
      `INSERT INTO ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)} (${columns.map((c) => pg.escapeIdentifier(c)).join(', ')})
       VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
      Object.values(full),
    );
  }
  const model = findModel(table);
  if (model?.kind === 'fact') await refreshCurrentRows(pool, schema, model);
}

async function refreshCurrentRows(pool: pg.Pool, schema: string, fact: FactModel) {
  // Every row of the fact, as the loader reads the rows a straight copy inserted: only newer versions are kept.
  await pool.query(currentRowsFromFactSql(schema, fact), [0]);
}

const sale = (
  id: number,
  day: string,
  version: string,
  values: {
    units: number;
    price: string;
    currency: number;
    design: number;
    location?: number;
    staff?: number;
    deleted?: boolean;
  },
): Row => ({
  sales_order_id: id,
  created_date: day,
  created_time: '09:00:00',
  last_updated_date: version,
  last_updated_time: '10:00:00',
  sales_staff_id: values.staff ?? 1,
  counterparty_id: 1,
  units_sold: values.units,
  unit_price: values.price,
  currency_id: values.currency,
  design_id: values.design,
  agreed_payment_date: day,
  agreed_delivery_date: day,
  agreed_delivery_location_id: values.location ?? 1,
  _deleted_at: values.deleted ? `${version} 11:00:00` : null,
});

/**
 * A small warehouse whose every aggregate is known: sales in GBP and USD (one order with two versions, one
 * deleted), purchases in GBP and EUR, payments paid and unpaid. The expected figures are in the tests.
 */
export async function seedWarehouse(pool: pg.Pool, schema = 'public'): Promise<void> {
  await insertRows(pool, schema, 'dim_currency', [
    { currency_id: 1, currency_code: 'GBP', currency_name: 'Pound Sterling' },
    { currency_id: 2, currency_code: 'USD', currency_name: 'US Dollar' },
    { currency_id: 3, currency_code: 'EUR', currency_name: 'Euro' },
  ]);
  await insertRows(pool, schema, 'dim_design', [
    { design_id: 1, design_name: 'Wooden', file_location: '/d', file_name: 'w.json' },
    { design_id: 2, design_name: 'Granite', file_location: '/d', file_name: 'g.json' },
    { design_id: 3, design_name: 'Bronze', file_location: '/d', file_name: 'b.json' },
  ]);
  const place = {
    address_line_1: '1 Road',
    address_line_2: null,
    district: null,
    postal_code: 'X1',
    phone: '1',
  };
  await insertRows(pool, schema, 'dim_location', [
    { location_id: 1, ...place, city: 'London', country: 'United Kingdom' },
    { location_id: 2, ...place, city: 'Paris', country: 'France' },
  ]);
  await insertRows(pool, schema, 'dim_staff', [
    {
      staff_id: 1,
      first_name: 'Ann',
      last_name: 'Lee',
      department_name: 'Sales',
      location: 'Leeds',
      email_address: 'a@t',
    },
    {
      staff_id: 2,
      first_name: 'Bob',
      last_name: 'Ray',
      department_name: 'Purchasing',
      location: null,
      email_address: 'b@t',
    },
  ]);
  const legal = {
    counterparty_legal_address_line_1: '1 Road',
    counterparty_legal_address_line_2: null,
    counterparty_legal_district: null,
    counterparty_legal_city: 'London',
    counterparty_legal_postal_code: 'X1',
    counterparty_legal_country: 'United Kingdom',
    counterparty_legal_phone_number: '1',
  };
  await insertRows(pool, schema, 'dim_counterparty', [
    { counterparty_id: 1, counterparty_legal_name: 'Acme Ltd', ...legal },
    { counterparty_id: 2, counterparty_legal_name: 'Fahey and Sons', ...legal },
  ]);
  await insertRows(pool, schema, 'dim_payment_type', [
    { payment_type_id: 1, payment_type_name: 'SALES_RECEIPT' },
    { payment_type_id: 2, payment_type_name: 'PURCHASE_PAYMENT' },
  ]);
  await insertRows(pool, schema, 'dim_transaction', [
    { transaction_id: 1, transaction_type: 'SALE', sales_order_id: 1, purchase_order_id: null },
    { transaction_id: 2, transaction_type: 'PURCHASE', sales_order_id: null, purchase_order_id: 1 },
  ]);
  await insertRows(pool, schema, 'fact_sales_order', [
    sale(1, '2024-01-10', '2024-01-10', { units: 10, price: '2.50', currency: 1, design: 1 }),
    sale(1, '2024-01-10', '2024-01-12', { units: 20, price: '2.50', currency: 1, design: 1 }),
    sale(2, '2024-01-20', '2024-01-20', { units: 5, price: '3.00', currency: 1, design: 2, location: 2 }),
    sale(3, '2024-02-05', '2024-02-05', {
      units: 4,
      price: '10.00',
      currency: 2,
      design: 1,
      location: 2,
      staff: 2,
    }),
    sale(4, '2024-02-06', '2024-02-06', { units: 1, price: '1.00', currency: 2, design: 3 }),
    sale(4, '2024-02-06', '2024-02-07', { units: 1, price: '1.00', currency: 2, design: 3, deleted: true }),
    sale(5, '2024-03-01', '2024-03-01', { units: 2, price: '1.25', currency: 1, design: 3 }),
  ]);
  const purchase = (
    id: number,
    day: string,
    quantity: number,
    price: string,
    currency: number,
    counterparty: number,
  ): Row => ({
    purchase_order_id: id,
    created_date: day,
    created_time: '09:00:00',
    last_updated_date: day,
    last_updated_time: '09:00:00',
    staff_id: 2,
    counterparty_id: counterparty,
    item_code: 'ITEM',
    item_quantity: quantity,
    item_unit_price: price,
    currency_id: currency,
    agreed_delivery_date: day,
    agreed_payment_date: day,
    agreed_delivery_location_id: 1,
  });
  await insertRows(pool, schema, 'fact_purchase_order', [
    purchase(1, '2024-01-15', 3, '100.00', 1, 2),
    purchase(2, '2024-02-15', 2, '50.00', 3, 1),
  ]);
  const payment = (
    id: number,
    version: string,
    amount: string,
    currency: number,
    type: number,
    paid: boolean,
  ): Row => ({
    payment_id: id,
    created_date: '2024-01-11',
    created_time: '09:00:00',
    last_updated_date: version,
    last_updated_time: '09:00:00',
    transaction_id: 1,
    counterparty_id: 1,
    payment_amount: amount,
    currency_id: currency,
    payment_type_id: type,
    paid,
    payment_date: '2024-01-20',
  });
  await insertRows(pool, schema, 'fact_payment', [
    payment(1, '2024-01-11', '100.00', 1, 1, true),
    payment(2, '2024-01-11', '30.00', 1, 2, false),
    payment(2, '2024-01-13', '30.00', 1, 2, true),
    payment(3, '2024-01-11', '40.00', 2, 1, false),
  ]);
}

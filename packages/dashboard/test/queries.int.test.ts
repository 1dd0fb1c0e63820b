import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { createPool } from '@totes/runtime';
import { migrateWarehouse } from '@totes/warehouse-loader';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseParams } from '../src/params';
import { createQueryCatalog, type QueryCatalog } from '../src/queries/catalog';
import { createQueryRunner } from '../src/query-runner';
import { createReadOnlyPool, dashboardRole, ensureReadOnlyRole } from '../src/warehouse';
import { insertRows, seedWarehouse } from './seed-warehouse';

const params = (query = '') => parseParams(new URLSearchParams(query));

describe('named queries against a seeded warehouse, read as the read-only role', () => {
  let postgres: TestPostgres;
  let admin: pg.Pool;
  let reader: pg.Pool;
  let catalog: QueryCatalog;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    await postgres.ensureDatabase('warehouse');
    admin = createPool(postgres.url('warehouse'));
    await migrateWarehouse(admin, { warehouseSchema: 'public', stateSchema: 'totes' });
    await seedWarehouse(admin);
    const role = await ensureReadOnlyRole(postgres.url('warehouse'), ['public', 'totes']);
    reader = createReadOnlyPool(role.url);
    catalog = createQueryCatalog({ warehouse: 'public', state: 'totes' });
  });
  afterAll(async () => {
    await reader?.end();
    await admin?.end();
    await postgres?.dispose();
  });

  const run = (name: string, query = '') => createQueryRunner(reader).run(catalog.get(name), params(query));

  it('totals sales per currency from the latest version of each order, leaving deleted orders out', async () => {
    const { rows } = await run('sales_totals');

    expect(rows).toEqual([
      { currency: 'GBP', revenue: '67.50', units: '27', orders: 3 },
      { currency: 'USD', revenue: '40.00', units: '4', orders: 1 },
    ]);
  });

  it('groups revenue by month and currency, never adding two currencies together', async () => {
    const { rows } = await run('sales_revenue_over_time');

    expect(rows).toEqual([
      { period: '2024-01-01', currency: 'GBP', revenue: '65.00' },
      { period: '2024-02-01', currency: 'USD', revenue: '40.00' },
      { period: '2024-03-01', currency: 'GBP', revenue: '2.50' },
    ]);
  });

  it('narrows every figure to the date range and the currency chosen', async () => {
    const fromFebruary = await run('sales_totals', 'from=2024-02-01');
    const dollars = await run('sales_totals', 'currency=USD');
    const january = await run('sales_revenue_over_time', 'from=2024-01-01&to=2024-01-31&grain=day');

    expect(fromFebruary.rows.map((row) => [row.currency, row.revenue])).toEqual([
      ['GBP', '2.50'],
      ['USD', '40.00'],
    ]);
    expect(dollars.rows.map((row) => row.currency)).toEqual(['USD']);
    expect(january.rows).toEqual([
      { period: '2024-01-10', currency: 'GBP', revenue: '50.00' },
      { period: '2024-01-20', currency: 'GBP', revenue: '15.00' },
    ]);
  });

  it('ranks the top designs by units sold, as many as asked', async () => {
    const { rows } = await run('sales_top_designs', 'top=2');

    expect(rows).toEqual([
      { design: 'Wooden #1', units: '24', orders: 2 },
      { design: 'Granite #2', units: '5', orders: 1 },
    ]);
  });

  it('ranks places, staff and counterparties within each currency', async () => {
    const places = await run('sales_by_location');
    const staff = await run('sales_by_staff', 'currency=GBP');

    expect(places.rows.map((row) => [row.currency, row.label, row.revenue])).toEqual([
      ['GBP', 'London, United Kingdom', '52.50'],
      ['GBP', 'Paris, France', '15.00'],
      ['USD', 'Paris, France', '40.00'],
    ]);
    expect(staff.rows).toEqual([
      {
        label: 'Ann Lee (Sales)',
        department: 'Sales',
        currency: 'GBP',
        revenue: '67.50',
        orders: 3,
        rank: 1,
      },
    ]);
  });

  it('totals purchases and payments per currency, payments split into paid and unpaid', async () => {
    const purchases = await run('purchases_totals');
    const payments = await run('payments_totals');

    expect(purchases.rows).toEqual([
      { currency: 'EUR', value: '100.00', quantity: '2', orders: 1 },
      { currency: 'GBP', value: '300.00', quantity: '3', orders: 1 },
    ]);
    expect(payments.rows).toEqual([
      { currency: 'GBP', status: 'paid', amount: '130.00', payments: 2 },
      { currency: 'USD', status: 'unpaid', amount: '40.00', payments: 1 },
    ]);
  });

  it('runs every named query of the catalog on the warehouse, at every grain', async () => {
    for (const query of catalog.all) {
      for (const grain of ['day', 'week', 'month']) {
        const result = await createQueryRunner(reader).run(query, params(`grain=${grain}&currency=GBP`));
        expect(Array.isArray(result.rows), query.name).toBe(true);
      }
    }
  });

  it('keeps an aggregate cached until a load of a model it reads invalidates it', async () => {
    const runner = createQueryRunner(reader);
    const query = catalog.get('purchases_totals');
    const before = await runner.run(query, params());
    await insertRows(admin, 'public', 'fact_purchase_order', [
      {
        purchase_order_id: 3,
        created_date: '2024-03-01',
        created_time: '09:00:00',
        last_updated_date: '2024-03-01',
        last_updated_time: '09:00:00',
        staff_id: 2,
        counterparty_id: 1,
        item_code: 'NEW',
        item_quantity: 1,
        item_unit_price: '1.00',
        currency_id: 3,
        agreed_delivery_date: '2024-03-01',
        agreed_payment_date: '2024-03-01',
        agreed_delivery_location_id: 1,
      },
    ]);

    const cached = await runner.run(query, params());
    runner.invalidate(['dim_design']);
    const otherModelLoaded = await runner.run(query, params());
    runner.invalidate(['fact_purchase_order']);
    const afterLoad = await runner.run(query, params());

    expect(cached.rows).toEqual(before.rows);
    expect(otherModelLoaded.rows).toEqual(before.rows);
    expect(afterLoad.rows[0]).toEqual({ currency: 'EUR', value: '101.00', quantity: '3', orders: 2 });
    expect(runner.stats()).toMatchObject({ hits: 2, misses: 2 });
  });

  it('reads as a role that cannot write and whose statements stop after 2 s', async () => {
    const settings = await reader.query<{ user: string; readOnly: string; timeout: string }>(
      `SELECT current_user AS user, current_setting('default_transaction_read_only') AS "readOnly",
              current_setting('statement_timeout') AS timeout`,
    );
    const write = reader.query('CREATE TABLE public.x (a integer)');
    const slow = reader.query('SELECT pg_sleep(3)');

    expect(settings.rows[0]).toEqual({ user: dashboardRole, readOnly: 'on', timeout: '2s' });
    await expect(write).rejects.toThrow(/read-only transaction/);
    await expect(slow).rejects.toThrow(/statement timeout/);
  });

  it('is refused a write by its role alone, even in a session that turns read-only off', async () => {
    const client = await reader.connect();
    try {
      await client.query('SET default_transaction_read_only = off');
      const insert = client.query(
        `INSERT INTO public.dim_design (design_id, design_name, file_location, file_name, _source_version) VALUES (9, 'x', 'x', 'x', '0')`,
      );
      await expect(insert).rejects.toThrow(/permission denied/);
    } finally {
      client.release();
    }
  });
});

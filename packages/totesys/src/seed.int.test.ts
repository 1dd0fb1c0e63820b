import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totesysColumns, totesysDdl, totesysTables } from './ddl';
import { TotesysAlreadySeededError } from './errors';
import { generateTotesys } from './generator';
import { isSeeded, seedTotesys } from './seed';

const options = { seed: 3, scale: 0.01 };

/** The column facts of the live totesys database, written out independently of the DDL text. */
function expectedType(column: string): string {
  if (column === 'created_at' || column === 'last_updated') return 'timestamp without time zone(3)';
  if (['unit_price', 'item_unit_price', 'payment_amount'].includes(column)) return 'numeric(10,2)';
  if (column === 'currency_code') return 'character varying(3)';
  if (column === 'payment_type_name') return 'USER-DEFINED PaymentTypeName';
  if (column === 'transaction_type') return 'USER-DEFINED TransactionType';
  if (column === 'paid') return 'boolean';
  if (
    column.endsWith('_id') ||
    ['units_sold', 'item_quantity'].includes(column) ||
    column.endsWith('_ac_number')
  ) {
    return 'integer';
  }
  return 'text';
}
const nullable = new Set([
  'address.address_line_2',
  'address.district',
  'counterparty.commercial_contact',
  'counterparty.delivery_contact',
  'department.location',
  'department.manager',
  'transaction.sales_order_id',
  'transaction.purchase_order_id',
]);

describe('seedTotesys', () => {
  let server: TestPostgres;
  let client: pg.Client;

  beforeAll(async () => {
    server = await startTestPostgres();
    await server.ensureDatabase('totesys');
    await seedTotesys(server.url('totesys'), options);
    client = new pg.Client({ connectionString: server.url('totesys') });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await server?.dispose();
  });

  it('creates the 11 tables with the live column names, order, types and nullability', async () => {
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      type: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, is_nullable,
         CASE
           WHEN data_type = 'USER-DEFINED' THEN data_type || ' ' || udt_name
           WHEN data_type = 'numeric' THEN format('numeric(%s,%s)', numeric_precision, numeric_scale)
           WHEN data_type = 'character varying' THEN format('character varying(%s)', character_maximum_length)
           WHEN data_type LIKE 'timestamp%' THEN format('%s(%s)', data_type, datetime_precision)
           ELSE data_type
         END AS type
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    const actual: Record<string, typeof rows> = {};
    for (const row of rows) actual[row.table_name] = [...(actual[row.table_name] ?? []), row];

    expect(Object.keys(actual).sort()).toEqual([...totesysTables].sort());
    for (const table of totesysTables) {
      const expected = totesysColumns[table].map((column) => ({
        column,
        type: expectedType(column),
        nullable: nullable.has(`${table}.${column}`) ? 'YES' : 'NO',
      }));
      const found = (actual[table] ?? []).map((row) => ({
        column: row.column_name,
        type: row.type,
        nullable: row.is_nullable,
      }));
      expect(found, table).toEqual(expected);
    }
  });

  it('keeps the agreed and payment dates as text, not date', async () => {
    const { rows } = await client.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND column_name IN ('agreed_delivery_date', 'agreed_payment_date', 'payment_date')`,
    );

    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((row) => row.data_type))).toEqual(new Set(['text']));
  });

  it('declares the two enums with the live labels', async () => {
    const { rows } = await client.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`,
    );

    expect(rows).toEqual([
      {
        typname: 'PaymentTypeName',
        labels: ['SALES_RECEIPT', 'SALES_REFUND', 'PURCHASE_PAYMENT', 'PURCHASE_REFUND'],
      },
      { typname: 'TransactionType', labels: ['SALE', 'PURCHASE'] },
    ]);
  });

  it('makes each transaction order and each payment transaction unique', async () => {
    const { rows } = await client.query<{ unique_key: string }>(
      `SELECT c.conrelid::regclass || '.' || string_agg(a.attname, ',') AS unique_key FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
       WHERE c.contype = 'u' AND c.connamespace = 'public'::regnamespace GROUP BY c.oid ORDER BY 1`,
    );

    expect(rows.map((row) => row.unique_key)).toEqual([
      'payment.transaction_id',
      'transaction.purchase_order_id',
      'transaction.sales_order_id',
    ]);
  });

  it('adds every foreign key, clearing a transaction’s order link when the order is deleted', async () => {
    const { rows } = await client.query<{ key: string }>(
      `SELECT format('%s.%s → %s %s', c.conrelid::regclass, a.attname, c.confrelid::regclass, c.confdeltype) AS key
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace ORDER BY 1`,
    );

    expect(rows).toHaveLength(17);
    expect(rows.map((row) => row.key)).toEqual(
      expect.arrayContaining([
        'transaction.sales_order_id → sales_order n',
        'transaction.purchase_order_id → purchase_order n',
        'payment.transaction_id → transaction a',
        'sales_order.agreed_delivery_location_id → address a',
      ]),
    );
  });

  it('loads every table with the scaled row counts', async () => {
    const counts: Record<string, number> = {};
    for (const table of totesysTables) {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM public."${table}"`);
      counts[table] = rows[0]?.n ?? -1;
    }

    expect(counts).toEqual(generateTotesys(options).counts);
    expect(counts).toMatchObject({ sales_order: 112, purchase_order: 46, transaction: 158, payment: 158 });
  });

  it('stores the generated values exactly, NULLs, booleans and milliseconds included', async () => {
    const dataset = generateTotesys(options);
    const readBack = async (table: 'payment' | 'address') => {
      const columns = totesysColumns[table]
        .map((column) =>
          column === 'created_at' || column === 'last_updated'
            ? `to_char(${column}, 'YYYY-MM-DD HH24:MI:SS.MS') AS ${column}`
            : column === 'payment_amount'
              ? `${column}::text AS ${column}`
              : column,
        )
        .join(', ');
      return (await client.query(`SELECT ${columns} FROM public."${table}" ORDER BY 1`)).rows;
    };

    expect(await readBack('payment')).toEqual([...dataset.rows('payment')]);
    expect(await readBack('address')).toEqual([...dataset.rows('address')]);
  });

  it('moves every sequence past the highest id so the next insert gets max + 1', async () => {
    await client.query('BEGIN');
    try {
      const inserted = await client.query<{ id: number }>(
        `INSERT INTO public."transaction" (transaction_type, sales_order_id) VALUES ('SALE', NULL)
         RETURNING transaction_id AS id`,
      );
      expect(inserted.rows[0]?.id).toBe(159);
      const design = await client.query<{ id: number }>(
        `INSERT INTO public."design" (design_name, file_location, file_name) VALUES ('x', '/x', 'x.json')
         RETURNING design_id AS id`,
      );
      expect(design.rows[0]?.id).toBe(474);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('refuses to seed again and leaves the rows as they were', async () => {
    const before = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM public."payment"');

    await expect(seedTotesys(server.url('totesys'), options)).rejects.toThrow(TotesysAlreadySeededError);

    const after = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM public."payment"');
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('reports a seeded database as seeded, and an empty one — even with the schema created twice — as not', async () => {
    await server.ensureDatabase('empty');
    const empty = new pg.Client({ connectionString: server.url('empty') });
    await empty.connect();
    try {
      expect(await isSeeded(server.url('empty'))).toBe(false);
      await empty.query(totesysDdl);
      await empty.query(totesysDdl);
      expect(await isSeeded(server.url('empty'))).toBe(false);
    } finally {
      await empty.end();
    }
    expect(await isSeeded(server.url('totesys'))).toBe(true);
  });
});

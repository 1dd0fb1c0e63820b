import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TotesysTable, totesysColumns, totesysTables } from './ddl';
import { TotesysOptionsError } from './errors';
import { generateTotesys, liveTotesysRowCounts, type TotesysDataset, totesysRowCounts } from './generator';
import type { TotesysRows } from './types';

type Tables = { [T in TotesysTable]: TotesysRows[T][] };

const materialise = (dataset: TotesysDataset): Tables =>
  Object.fromEntries(totesysTables.map((table) => [table, [...dataset.rows(table)]])) as unknown as Tables;

const digest = (dataset: TotesysDataset): string => {
  const hash = createHash('sha256');
  for (const table of totesysTables) for (const row of dataset.rows(table)) hash.update(JSON.stringify(row));
  return hash.digest('hex');
};

const timestampPattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const numericPattern = /^\d+\.\d{2}$/;
const cents = (numeric: string) => Math.round(Number(numeric) * 100);

describe('generateTotesys at scale 1', () => {
  let live: Tables;
  beforeAll(() => {
    live = materialise(generateTotesys({ seed: 11 }));
  });

  it('reproduces the live row count of every table', () => {
    const counts = Object.fromEntries(totesysTables.map((table) => [table, live[table].length]));

    expect(counts).toEqual({
      address: 30,
      counterparty: 20,
      currency: 3,
      department: 8,
      design: 473,
      payment_type: 4,
      staff: 20,
      sales_order: 11187,
      purchase_order: 4649,
      transaction: 15836,
      payment: 15836,
    });
  });

  it('numbers every table contiguously from 1 and lists each row with exactly the DDL columns', () => {
    for (const table of totesysTables) {
      const key = `${table}_id` as keyof TotesysRows[typeof table];
      const columns = totesysColumns[table].join();
      expect(
        live[table].map((row) => row[key]),
        table,
      ).toEqual(live[table].map((_, index) => index + 1));
      expect(
        live[table].filter((row) => Object.keys(row).join() !== columns),
        table,
      ).toEqual([]);
    }
  });

  it('writes timestamps with milliseconds, dates as YYYY-MM-DD text and numerics with two decimals', () => {
    const stamps = totesysTables.flatMap((table) =>
      (live[table] as { created_at: string; last_updated: string }[]).flatMap((row) => [
        row.created_at,
        row.last_updated,
      ]),
    );
    const orders = [...live.sales_order, ...live.purchase_order];
    const dates = [
      ...orders.flatMap((order) => [order.agreed_delivery_date, order.agreed_payment_date]),
      ...live.payment.map((payment) => payment.payment_date),
    ];
    const numerics = [
      ...live.sales_order.map((order) => order.unit_price),
      ...live.purchase_order.map((order) => order.item_unit_price),
      ...live.payment.map((payment) => payment.payment_amount),
    ];

    expect(stamps.filter((stamp) => !timestampPattern.test(stamp))).toEqual([]);
    expect(dates.filter((date) => !datePattern.test(date))).toEqual([]);
    expect(numerics.filter((numeric) => !numericPattern.test(numeric))).toEqual([]);
    expect(stamps[0]).toBe('2022-11-03 14:20:49.412');
  });

  it('spreads orders from 2022-11-03 to 2024-11-15 with creation time growing with the id', () => {
    for (const table of ['sales_order', 'purchase_order', 'transaction', 'payment'] as const) {
      const stamps = live[table].map((row) => row.created_at);
      expect(stamps[0]?.slice(0, 10), table).toBe('2022-11-03');
      expect(stamps.at(-1)?.slice(0, 10), table).toBe('2024-11-15');
      expect(
        stamps.filter((stamp, i) => i > 0 && stamp < stamps[i - 1]!),
        table,
      ).toEqual([]);
    }
  });

  it('never updates orders or transactions', () => {
    const rows = [...live.sales_order, ...live.purchase_order, ...live.transaction];
    expect(rows.filter((row) => row.last_updated !== row.created_at)).toEqual([]);
  });

  it('gives every order exactly one transaction of its type', () => {
    const sales = live.transaction.filter((row) => row.transaction_type === 'SALE');
    const purchases = live.transaction.filter((row) => row.transaction_type === 'PURCHASE');

    expect(sales.map((row) => row.sales_order_id).sort((a, b) => a! - b!)).toEqual(
      live.sales_order.map((row) => row.sales_order_id),
    );
    expect(purchases.map((row) => row.purchase_order_id).sort((a, b) => a! - b!)).toEqual(
      live.purchase_order.map((row) => row.purchase_order_id),
    );
    expect(sales.every((row) => row.purchase_order_id === null)).toBe(true);
    expect(purchases.every((row) => row.sales_order_id === null)).toBe(true);
  });

  it('stamps each transaction with its order’s creation time', () => {
    const orderOf = (transaction: TotesysRows['transaction']) =>
      transaction.transaction_type === 'SALE'
        ? live.sales_order[transaction.sales_order_id! - 1]
        : live.purchase_order[transaction.purchase_order_id! - 1];
    expect(
      live.transaction.filter((transaction) => transaction.created_at !== orderOf(transaction)?.created_at),
    ).toEqual([]);
  });

  it('pays each transaction once, for the order’s full amount, counterparty, currency and agreed date', () => {
    const mismatches = live.payment.filter((payment) => {
      const transaction = live.transaction[payment.transaction_id - 1]!;
      const sale = transaction.transaction_type === 'SALE';
      const order = sale
        ? live.sales_order[transaction.sales_order_id! - 1]!
        : live.purchase_order[transaction.purchase_order_id! - 1]!;
      const amount =
        'units_sold' in order
          ? order.units_sold * cents(order.unit_price)
          : order.item_quantity * cents(order.item_unit_price);
      return (
        payment.payment_id !== transaction.transaction_id ||
        payment.created_at !== transaction.created_at ||
        cents(payment.payment_amount) !== amount ||
        payment.payment_type_id !== (sale ? 1 : 3) ||
        payment.counterparty_id !== order.counterparty_id ||
        payment.currency_id !== order.currency_id ||
        payment.payment_date !== order.agreed_payment_date
      );
    });

    expect(live.payment).toHaveLength(live.transaction.length);
    expect(mismatches).toEqual([]);
  });

  it('settles about 61 % of payments, each one later than it was created', () => {
    const paid = live.payment.filter((payment) => payment.paid);
    const unpaid = live.payment.filter((payment) => !payment.paid);

    expect(paid.length / live.payment.length).toBeGreaterThan(0.59);
    expect(paid.length / live.payment.length).toBeLessThan(0.63);
    expect(paid.filter((payment) => !(payment.last_updated > payment.created_at))).toEqual([]);
    expect(paid.filter((payment) => payment.last_updated > '2024-11-15 23:59:59.999')).toEqual([]);
    expect(unpaid.filter((payment) => payment.last_updated !== payment.created_at)).toEqual([]);
  });

  it('keeps order quantities, prices and account numbers in the live ranges', () => {
    const units = live.sales_order.map((order) => order.units_sold);
    const prices = live.sales_order.map((order) => cents(order.unit_price));
    const quantities = live.purchase_order.map((order) => order.item_quantity);

    expect(Math.min(...units)).toBeGreaterThanOrEqual(1001);
    expect(Math.max(...units)).toBeLessThanOrEqual(99973);
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...prices)).toBeLessThanOrEqual(400);
    expect(Math.min(...quantities)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...quantities)).toBeLessThanOrEqual(999);
    const accounts = live.payment.flatMap((payment) => [
      payment.company_ac_number,
      payment.counterparty_ac_number,
    ]);
    expect(accounts.filter((account) => !/^\d{8}$/.test(String(account)))).toEqual([]);
    expect(live.purchase_order.filter((order) => !/^[A-Z0-9]{7}$/.test(order.item_code))).toEqual([]);
  });

  it('agrees delivery and payment on or after the order day, mostly within a week', () => {
    const orders = [...live.sales_order, ...live.purchase_order];
    const daysAfter = (date: string, stamp: string) =>
      (Date.parse(date) - Date.parse(stamp.slice(0, 10))) / 86_400_000;

    expect(orders.filter((order) => daysAfter(order.agreed_delivery_date, order.created_at) < 0)).toEqual([]);
    const paymentDays = orders.map((order) => daysAfter(order.agreed_payment_date, order.created_at));
    expect(paymentDays.filter((days) => days < 0 || days > 6)).toEqual([]);
    const withinAWeek = orders.filter(
      (order) => daysAfter(order.agreed_delivery_date, order.created_at) <= 7,
    );
    expect(withinAWeek.length / orders.length).toBeGreaterThan(0.98);
  });

  it('only sells designs that already existed when the order was placed', () => {
    const early = live.sales_order.filter(
      (order) => live.design[order.design_id - 1]!.created_at > order.created_at,
    );
    const usedDesigns = new Set(live.sales_order.map((order) => order.design_id));

    expect(early).toEqual([]);
    expect(usedDesigns.size).toBeGreaterThan(400);
  });

  it('only references existing staff, counterparties, currencies and addresses', () => {
    const outside = (id: number, table: TotesysTable) => id < 1 || id > live[table].length;
    const orders = [...live.sales_order, ...live.purchase_order];

    expect(
      orders.filter(
        (order) =>
          outside(order.staff_id, 'staff') ||
          outside(order.counterparty_id, 'counterparty') ||
          outside(order.currency_id, 'currency') ||
          outside(order.agreed_delivery_location_id, 'address'),
      ),
    ).toEqual([]);
    expect(
      live.counterparty.filter((counterparty) => outside(counterparty.legal_address_id, 'address')),
    ).toEqual([]);
    expect(live.staff.filter((person) => outside(person.department_id, 'department'))).toEqual([]);
  });

  it('leaves address_line_2 NULL in 20 of 30 addresses and district NULL in 14', () => {
    expect(live.address.filter((address) => address.address_line_2 === null)).toHaveLength(20);
    expect(live.address.filter((address) => address.district === null)).toHaveLength(14);
  });

  it('keeps department 4 as Dispatch in “Leds”, the typo of the live source', () => {
    expect(live.department[3]).toMatchObject({
      department_id: 4,
      department_name: 'Dispatch',
      location: 'Leds',
    });
  });

  it('has the fixed currencies and payment types', () => {
    expect(live.currency.map((row) => [row.currency_id, row.currency_code])).toEqual([
      [1, 'GBP'],
      [2, 'USD'],
      [3, 'EUR'],
    ]);
    expect(live.payment_type.map((row) => row.payment_type_name)).toEqual([
      'SALES_RECEIPT',
      'SALES_REFUND',
      'PURCHASE_PAYMENT',
      'PURCHASE_REFUND',
    ]);
  });

  it('gives staff distinct e-mail addresses made of their names', () => {
    const emails = live.staff.map((person) => person.email_address);
    expect(new Set(emails).size).toBe(emails.length);
    for (const person of live.staff) {
      expect(person.email_address.startsWith(`${person.first_name}.${person.last_name}@`.toLowerCase())).toBe(
        true,
      );
    }
  });
});

describe('generateTotesys scaling', () => {
  it('multiplies only the transactional tables', () => {
    const counts = generateTotesys({ scale: 0.01 }).counts;

    expect(counts).toEqual({
      ...liveTotesysRowCounts,
      sales_order: 112,
      purchase_order: 46,
      transaction: 158,
      payment: 158,
    });
  });

  it('yields exactly the announced number of rows at a fractional scale', () => {
    const dataset = generateTotesys({ seed: 5, scale: 0.01 });
    for (const table of totesysTables)
      expect([...dataset.rows(table)].length, table).toBe(dataset.counts[table]);
  });

  it('keeps at least one order of each kind at a vanishing scale', () => {
    expect(totesysRowCounts(1e-9)).toMatchObject({
      sales_order: 1,
      purchase_order: 1,
      transaction: 2,
      payment: 2,
    });
  });

  it('grows linearly, e.g. 100× the live orders at scale 100', () => {
    expect(totesysRowCounts(100)).toMatchObject({
      sales_order: 1_118_700,
      purchase_order: 464_900,
      payment: 1_583_600,
    });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects scale %s', (scale) => {
    expect(() => generateTotesys({ scale })).toThrow(TotesysOptionsError);
  });

  it('streams rows lazily, so even a huge scale yields its first row at once', () => {
    const rows = generateTotesys({ scale: 10_000 }).rows('payment');

    const first = rows.next();

    expect(Array.isArray(rows)).toBe(false);
    expect(first.value).toMatchObject({ payment_id: 1, transaction_id: 1 });
  });
});

describe('generateTotesys determinism', () => {
  it('generates byte-identical data for the same seed, on every call and every stream', () => {
    const first = generateTotesys({ seed: 'same', scale: 0.02 });
    const second = generateTotesys({ seed: 'same', scale: 0.02 });

    expect(digest(first)).toBe(digest(second));
    expect(digest(first)).toBe(digest(first));
  });

  it('generates different data for a different seed', () => {
    const one = materialise(generateTotesys({ seed: 1, scale: 0.01 }));
    const two = materialise(generateTotesys({ seed: 2, scale: 0.01 }));

    expect(one.sales_order).not.toEqual(two.sales_order);
    expect(one.payment).not.toEqual(two.payment);
    expect(one.address).not.toEqual(two.address);
    expect(one.design).not.toEqual(two.design);
  });

  it('is pinned to a fixed digest so every machine generates the same bytes', () => {
    // Changing the recipe changes this digest: update it only on purpose.
    expect(digest(generateTotesys({ seed: 1, scale: 0.01 }))).toBe(
      'e3a8938313d04be823d0fe67c62b062d21665541c4628a5949d1bf779506858d',
    );
  });
});

import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TotesysTable, totesysTables } from './ddl';
import { TotesysNothingToMutateError, TotesysRowNotFoundError } from './errors';
import { applyTotesysMutation, liveMutationKinds, MutationKind, mutateTotesys } from './mutator';
import { seedTotesys } from './seed';

describe('totesys mutations', () => {
  let server: TestPostgres;
  let url: string;
  let db: pg.Client;

  const counts = async (): Promise<Record<TotesysTable, number>> => {
    const { rows } = await db.query<Record<TotesysTable, number>>(
      `SELECT ${totesysTables.map((table) => `(SELECT count(*)::int FROM public."${table}") AS "${table}"`).join(', ')}`,
    );
    return rows[0]!;
  };
  const row = async (table: TotesysTable, id: number): Promise<Record<string, unknown>> => {
    const { rows } = await db.query(
      `SELECT *, created_at::text AS created, last_updated::text AS updated FROM public."${table}" WHERE ${table}_id = $1`,
      [id],
    );
    return rows[0] as Record<string, unknown>;
  };

  beforeAll(async () => {
    server = await startTestPostgres();
    await server.ensureDatabase('totesys');
    url = server.url('totesys');
    await seedTotesys(url, { seed: 5, scale: 0.01 });
    db = new pg.Client({ connectionString: url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await server?.dispose();
  });

  it('a new sales order adds exactly one sales_order, one transaction and one unpaid payment, linked', async () => {
    const before = await counts();

    const done = await applyTotesysMutation(url, { kind: MutationKind.salesOrderCreated });

    const after = await counts();
    expect(after).toEqual({
      ...before,
      sales_order: before.sales_order + 1,
      transaction: before.transaction + 1,
      payment: before.payment + 1,
    });
    expect(done.tables).toEqual(['sales_order', 'transaction', 'payment']);
    const order = await row('sales_order', done.ids.sales_order!);
    const transaction = await row('transaction', done.ids.transaction!);
    const payment = await row('payment', done.ids.payment!);
    expect(transaction).toMatchObject({ transaction_type: 'SALE', sales_order_id: order.sales_order_id });
    expect(payment).toMatchObject({
      transaction_id: transaction.transaction_id,
      counterparty_id: order.counterparty_id,
      currency_id: order.currency_id,
      payment_type_id: 1,
      paid: false,
      payment_date: order.agreed_payment_date,
    });
    expect(Number(payment.payment_amount)).toBeCloseTo(
      Number(order.units_sold) * Number(order.unit_price),
      2,
    );
    expect(order.updated).toBe(order.created);
    expect(order.agreed_delivery_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('a new purchase order adds exactly one purchase_order, one transaction and one purchase payment', async () => {
    const before = await counts();

    const done = await applyTotesysMutation(url, {
      kind: MutationKind.purchaseOrderCreated,
      values: { itemQuantity: 3, itemUnitPrice: '10.50', itemCode: 'TEST001' },
    });

    expect(await counts()).toEqual({
      ...before,
      purchase_order: before.purchase_order + 1,
      transaction: before.transaction + 1,
      payment: before.payment + 1,
    });
    const transaction = await row('transaction', done.ids.transaction!);
    const payment = await row('payment', done.ids.payment!);
    expect(transaction).toMatchObject({
      transaction_type: 'PURCHASE',
      purchase_order_id: done.ids.purchase_order,
    });
    expect(payment).toMatchObject({ payment_amount: '31.50', payment_type_id: 3, paid: false });
    expect(await row('purchase_order', done.ids.purchase_order!)).toMatchObject({ item_code: 'TEST001' });
  });

  it('flipping a payment to paid sets paid and bumps its last_updated past the old value', async () => {
    const { rows } = await db.query<{ id: number; updated: string }>(
      'SELECT payment_id AS id, last_updated::text AS updated FROM public."payment" WHERE NOT paid ORDER BY 1 LIMIT 1',
    );
    const unpaid = rows[0]!;

    const done = await applyTotesysMutation(url, { kind: MutationKind.paymentPaid, paymentId: unpaid.id });

    const after = await row('payment', unpaid.id);
    expect(done).toEqual({ kind: 'payment_paid', tables: ['payment'], ids: { payment: unpaid.id } });
    expect(after.paid).toBe(true);
    expect(String(after.updated) > unpaid.updated).toBe(true);
  });

  it('flipping a payment picked at random chooses an unpaid one', async () => {
    const done = await applyTotesysMutation(url, { kind: MutationKind.paymentPaid }, { seed: 99 });

    const paid = await row('payment', done.ids.payment!);
    expect(paid.paid).toBe(true);
    expect(String(paid.updated) > String(paid.created)).toBe(true);
  });

  it('refuses to pay a payment that is already paid', async () => {
    const { rows } = await db.query<{ id: number }>(
      'SELECT payment_id AS id FROM public."payment" WHERE paid ORDER BY 1 LIMIT 1',
    );

    await expect(
      applyTotesysMutation(url, { kind: MutationKind.paymentPaid, paymentId: rows[0]!.id }),
    ).rejects.toThrow(TotesysNothingToMutateError);
  });

  it('renaming design 3 changes only its name and bumps last_updated', async () => {
    const before = await row('design', 3);

    const done = await applyTotesysMutation(url, { kind: MutationKind.designRenamed, designId: 3 });

    const after = await row('design', 3);
    expect(done.ids).toEqual({ design: 3 });
    expect(after.design_name).not.toBe(before.design_name);
    expect([after.file_name, after.file_location, after.created]).toEqual([
      before.file_name,
      before.file_location,
      before.created,
    ]);
    expect(String(after.updated) > String(before.updated)).toBe(true);
  });

  it('renaming a department to a given name stores that name', async () => {
    const before = await row('department', 2);

    await applyTotesysMutation(url, {
      kind: MutationKind.departmentRenamed,
      departmentId: 2,
      departmentName: 'Procurement',
    });

    const after = await row('department', 2);
    expect(after.department_name).toBe('Procurement');
    expect(String(after.updated) > String(before.updated)).toBe(true);
  });

  it('moving a staff member puts them in another department', async () => {
    const before = await row('staff', 5);

    await applyTotesysMutation(url, { kind: MutationKind.staffMoved, staffId: 5 });

    const after = await row('staff', 5);
    expect(after.department_id).not.toBe(before.department_id);
    expect(String(after.updated) > String(before.updated)).toBe(true);
  });

  it('creating a design adds one design named like the live files', async () => {
    const before = await counts();

    const done = await applyTotesysMutation(url, { kind: MutationKind.designCreated, designName: 'Hemp' });

    expect((await counts()).design).toBe(before.design + 1);
    expect(await row('design', done.ids.design!)).toMatchObject({
      design_name: 'Hemp',
      file_name: expect.stringMatching(/^hemp-\d{8}-[a-z0-9]{4}\.json$/),
    });
  });

  it('updating an address changes its phone or first line and bumps last_updated', async () => {
    const before = await row('address', 7);

    await applyTotesysMutation(url, { kind: MutationKind.addressUpdated, addressId: 7 });

    const after = await row('address', 7);
    expect([after.phone, after.address_line_1]).not.toEqual([before.phone, before.address_line_1]);
    expect(String(after.updated) > String(before.updated)).toBe(true);
  });

  it('updating a counterparty contact changes one of its contacts', async () => {
    const before = await row('counterparty', 4);

    await applyTotesysMutation(
      url,
      { kind: MutationKind.counterpartyContactUpdated, counterpartyId: 4 },
      { seed: 2 },
    );

    const after = await row('counterparty', 4);
    expect([after.commercial_contact, after.delivery_contact]).not.toEqual([
      before.commercial_contact,
      before.delivery_contact,
    ]);
    expect(String(after.updated) > String(before.updated)).toBe(true);
  });

  it.each([
    [MutationKind.currencyTouched, 'currency', 'currency_code'],
    [MutationKind.paymentTypeTouched, 'payment_type', 'payment_type_name'],
  ] as const)('%s bumps last_updated and changes no value', async (kind, table, column) => {
    const before = await row(table, 2);

    const done = await applyTotesysMutation(
      url,
      kind === MutationKind.currencyTouched ? { kind, currencyId: 2 } : { kind, paymentTypeId: 2 },
    );

    const after = await row(table, 2);
    expect(done.ids).toEqual({ [table]: 2 });
    expect(after[column]).toBe(before[column]);
    expect(String(after.updated) > String(before.updated)).toBe(true);
  });

  it('deletes a row that nothing references, each deletable table in turn, and leaves every foreign key whole', async () => {
    const order = await applyTotesysMutation(url, { kind: MutationKind.salesOrderCreated });
    const design = await applyTotesysMutation(url, { kind: MutationKind.designCreated });
    const before = await counts();

    for (const [table, id] of [
      ['payment', order.ids.payment],
      ['transaction', order.ids.transaction],
      ['sales_order', order.ids.sales_order],
      ['design', design.ids.design],
    ] as const)
      await applyTotesysMutation(url, { kind: MutationKind.rowDeleted, table, id: id as number });

    expect(await counts()).toEqual({
      ...before,
      payment: before.payment - 1,
      transaction: before.transaction - 1,
      sales_order: before.sales_order - 1,
      design: before.design - 1,
    });
  });

  it('refuses to delete a row that another row still references', async () => {
    const order = await applyTotesysMutation(url, { kind: MutationKind.salesOrderCreated });

    await expect(
      applyTotesysMutation(url, {
        kind: MutationKind.rowDeleted,
        table: 'transaction',
        id: order.ids.transaction!,
      }),
    ).rejects.toBeInstanceOf(TotesysNothingToMutateError);
  });

  it('draws deletes at random only among rows nothing references, and never in the live mix', async () => {
    const done = await mutateTotesys(url, { seed: 9, count: 5, kinds: [MutationKind.rowDeleted] });

    expect(done.map((record) => record.kind)).toEqual(Array(5).fill(MutationKind.rowDeleted));
    expect(liveMutationKinds).not.toContain(MutationKind.rowDeleted);
  });

  it('reports a target id that does not exist as not found', async () => {
    await expect(
      applyTotesysMutation(url, { kind: MutationKind.designRenamed, designId: 99_999 }),
    ).rejects.toThrow(TotesysRowNotFoundError);
  });

  it('rolls a failing mutation back completely', async () => {
    const before = await counts();

    await expect(
      applyTotesysMutation(url, { kind: MutationKind.salesOrderCreated, values: { designId: 99_999 } }),
    ).rejects.toThrow(/foreign key/);

    expect(await counts()).toEqual(before);
  });

  it('applies the asked number of live mutations, each one reported with rows that exist', async () => {
    const done = await mutateTotesys(url, { seed: 8, count: 25 });

    expect(done).toHaveLength(25);
    expect(done.every((record) => (liveMutationKinds as readonly string[]).includes(record.kind))).toBe(true);
    expect(new Set(done.map((record) => record.kind)).size).toBeGreaterThan(2);
    for (const record of done) {
      for (const [table, id] of Object.entries(record.ids)) {
        expect(await row(table as TotesysTable, id), `${record.kind} ${table} ${id}`).toBeDefined();
      }
    }
  });

  it('restricts random mutations to the asked kinds', async () => {
    const done = await mutateTotesys(url, { seed: 8, count: 5, kinds: [MutationKind.currencyTouched] });

    expect(done.map((record) => record.kind)).toEqual(Array(5).fill('currency_touched'));
  });

  it('makes the same choices for the same seed on databases in the same state', async () => {
    const twins = ['twin_a', 'twin_b'];
    const results = [];
    for (const name of twins) {
      await server.ensureDatabase(name);
      await seedTotesys(server.url(name), { seed: 1, scale: 0.005 });
      results.push(await mutateTotesys(server.url(name), { seed: 'same', count: 15 }));
    }

    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toHaveLength(15);
  });
});

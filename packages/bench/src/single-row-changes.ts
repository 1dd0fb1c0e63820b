import {
  applyTotesysMutation,
  createRandom,
  MutationKind,
  primaryKeyOf,
  qualifiedTable,
  type Random,
  type TotesysTable,
} from '@totes/totesys';
import type pg from 'pg';
import { BenchError, BenchErrorCode } from './errors';

/** One single-row change made to the source. */
export interface AppliedChange {
  readonly table: TotesysTable;
  /** The mutation kind, or `sql_update` for a plain UPDATE that bumps last_updated. */
  readonly kind: string;
  /** The changed row. */
  readonly id: number;
  /**
   * The primary-table row whose warehouse row shows the change: the changed row itself, except for a department
   * (one of its staff, whose dim_staff row carries the department's version).
   */
  readonly witnessId: number;
}

/** How the changes take turns: every table in turn, the busiest first. */
export const changeRotation = [
  'sales_order',
  'payment',
  'design',
  'staff',
  'purchase_order',
  'address',
  'transaction',
  'counterparty',
  'department',
  'currency',
  'payment_type',
] as const satisfies readonly TotesysTable[];

/** last_updated moves forward even within one millisecond, as the mutator does it. */
const bumped = "GREATEST(now()::timestamp, last_updated + interval '1 millisecond')";

/** Picks the rows and applies the changes of one benchmark, deterministically for a seed. */
export interface ChangeMaker {
  /** Applies the `index`-th change in its own transaction; resolves once it is committed. */
  apply(index: number): Promise<AppliedChange>;
}

/**
 * Makes single-row changes the way the live system does: the totesys mutator where it has a single-row kind
 * (payment paid, department renamed, staff moved, design renamed, address, counterparty contact, currency and
 * payment type touched), and a plain UPDATE that bumps last_updated for a sales order, a purchase order (an
 * amended quantity) and a transaction. `client` must be outside any transaction.
 */
export function createChangeMaker(client: pg.ClientBase, seed: number): ChangeMaker {
  const random = createRandom(seed, 'bench:changes');
  const mutate = async (table: TotesysTable, mutation: Parameters<typeof applyTotesysMutation>[1]) => {
    const record = await applyTotesysMutation(client, mutation, { seed: `${seed}:${random.int(0, 1e9)}` });
    return { kind: record.kind, id: record.ids[table] as number };
  };
  const update = async (table: TotesysTable, set: string) => {
    const id = await randomId(client, table, random);
    await client.query(
      `UPDATE ${qualifiedTable(table)} SET ${set}last_updated = ${bumped} WHERE ${primaryKeyOf(table)} = $1`,
      [id],
    );
    return { kind: 'sql_update', id };
  };
  const makers: Record<(typeof changeRotation)[number], () => Promise<AppliedChange>> = {
    sales_order: async () =>
      withWitness('sales_order', await update('sales_order', 'units_sold = units_sold + 1, ')),
    purchase_order: async () =>
      withWitness('purchase_order', await update('purchase_order', 'item_quantity = item_quantity + 1, ')),
    transaction: async () => withWitness('transaction', await update('transaction', '')),
    payment: async () => {
      const unpaid = await randomId(client, 'payment', random, 'NOT paid').catch(() => null);
      if (unpaid === null) return withWitness('payment', await update('payment', ''));
      return withWitness(
        'payment',
        await mutate('payment', { kind: MutationKind.paymentPaid, paymentId: unpaid }),
      );
    },
    design: async () =>
      withWitness(
        'design',
        await mutate('design', {
          kind: MutationKind.designRenamed,
          designId: await randomId(client, 'design', random),
        }),
      ),
    staff: async () =>
      withWitness(
        'staff',
        await mutate('staff', {
          kind: MutationKind.staffMoved,
          staffId: await randomId(client, 'staff', random),
        }),
      ),
    address: async () =>
      withWitness(
        'address',
        await mutate('address', {
          kind: MutationKind.addressUpdated,
          addressId: await randomId(client, 'address', random),
        }),
      ),
    counterparty: async () =>
      withWitness(
        'counterparty',
        await mutate('counterparty', {
          kind: MutationKind.counterpartyContactUpdated,
          counterpartyId: await randomId(client, 'counterparty', random),
        }),
      ),
    department: async () => {
      // A department that has staff, so that some dim_staff row shows the rename.
      const staffId = await randomId(client, 'staff', random);
      const found = await client.query<{ department_id: number }>(
        'SELECT department_id FROM public."staff" WHERE staff_id = $1',
        [staffId],
      );
      const departmentId = found.rows[0]?.department_id as number;
      const change = await mutate('department', { kind: MutationKind.departmentRenamed, departmentId });
      return { table: 'department', ...change, witnessId: staffId };
    },
    currency: async () =>
      withWitness(
        'currency',
        await mutate('currency', {
          kind: MutationKind.currencyTouched,
          currencyId: await randomId(client, 'currency', random),
        }),
      ),
    payment_type: async () =>
      withWitness(
        'payment_type',
        await mutate('payment_type', {
          kind: MutationKind.paymentTypeTouched,
          paymentTypeId: await randomId(client, 'payment_type', random),
        }),
      ),
  };
  return {
    apply: async (index) => {
      const table = changeRotation[index % changeRotation.length] as (typeof changeRotation)[number];
      try {
        return await makers[table]();
      } catch (cause) {
        throw new BenchError(
          BenchErrorCode.changeFailed,
          `change ${index + 1} to ${table} failed: ${(cause as Error).message}`,
          { cause },
        );
      }
    },
  };
}

function withWitness(table: TotesysTable, change: { kind: string; id: number }): AppliedChange {
  return { table, ...change, witnessId: change.id };
}

/** A random existing id: the first matching row at or after a random point of the id range, wrapping around. */
async function randomId(
  client: pg.ClientBase,
  table: TotesysTable,
  random: Random,
  where = 'true',
): Promise<number> {
  const key = primaryKeyOf(table);
  const range = await client.query<{ max: number | null }>(
    `SELECT max(${key}) AS max FROM ${qualifiedTable(table)}`,
  );
  const max = range.rows[0]?.max ?? null;
  if (max === null) throw new Error(`${table} has no rows`);
  const start = random.int(1, max);
  for (const direction of ['>=', '<'] as const) {
    const found = await client.query<{ id: number }>(
      `SELECT ${key} AS id FROM ${qualifiedTable(table)} WHERE ${key} ${direction} $1 AND (${where})
       ORDER BY ${key} LIMIT 1`,
      [start],
    );
    const row = found.rows[0];
    if (row) return row.id;
  }
  throw new Error(`no ${table} row matches ${where}`);
}

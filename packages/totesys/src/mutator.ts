import type pg from 'pg';
import { inTransaction, type TotesysConnection, withClient } from './connection';
import {
  PaymentTypeName,
  primaryKeyOf,
  qualifiedTable,
  type TotesysTable,
  TransactionType,
  totesysTables,
} from './ddl';
import { TotesysNothingToMutateError, TotesysOptionsError, TotesysRowNotFoundError } from './errors';
import { defaultTotesysSeed } from './generator';
import { code, formatCents, orderRanges } from './order-events';
import { createRandom, type Random } from './random';
import { contactName, designFileToken, phoneNumber, streetLine } from './reference-rows';
import type { TotesysSeed } from './types';
import { departmentRenames, designFolders, designNames } from './vocabulary';

/** The changes the simulator can make, named for what happened. */
export const MutationKind = {
  salesOrderCreated: 'sales_order_created',
  purchaseOrderCreated: 'purchase_order_created',
  paymentPaid: 'payment_paid',
  departmentRenamed: 'department_renamed',
  staffMoved: 'staff_moved',
  designCreated: 'design_created',
  designRenamed: 'design_renamed',
  addressUpdated: 'address_updated',
  counterpartyContactUpdated: 'counterparty_contact_updated',
  currencyTouched: 'currency_touched',
  paymentTypeTouched: 'payment_type_touched',
  /** A row deleted, of a table and among rows that no foreign key of totesys points at: off in the live mix. */
  rowDeleted: 'row_deleted',
} as const;
/** One of the {@link MutationKind} values. */
export type MutationKind = (typeof MutationKind)[keyof typeof MutationKind];

/** Relative frequency of each kind when {@link mutateTotesys} picks at random: mostly new orders and settlements. */
export const mutationWeights: Readonly<Record<MutationKind, number>> = {
  sales_order_created: 40,
  purchase_order_created: 17,
  payment_paid: 30,
  department_renamed: 1,
  staff_moved: 3,
  design_created: 5,
  design_renamed: 4,
  address_updated: 2,
  counterparty_contact_updated: 2,
  currency_touched: 1,
  payment_type_touched: 1,
  row_deleted: 2,
};

/**
 * What the live system does day to day; the default mix of {@link mutateTotesys}. Deletes are not in it: totesys'
 * own application never deletes, so `totes start --mutate` deletes only when asked (`--mutate-deletes`).
 */
export const liveMutationKinds = [
  MutationKind.salesOrderCreated,
  MutationKind.purchaseOrderCreated,
  MutationKind.paymentPaid,
  MutationKind.departmentRenamed,
  MutationKind.staffMoved,
  MutationKind.designCreated,
  MutationKind.designRenamed,
] as const satisfies readonly MutationKind[];

/** Overrides for a new sales order; anything left out is drawn at random (ids among existing rows). */
export interface NewSalesOrderValues {
  designId: number;
  staffId: number;
  counterpartyId: number;
  unitsSold: number;
  /** `numeric(10,2)`, e.g. `'3.25'` or `3.25`. */
  unitPrice: string | number;
  currencyId: number;
  agreedDeliveryLocationId: number;
  /** Days after today of agreed_delivery_date. */
  deliveryInDays: number;
  /** Days after today of agreed_payment_date (also the payment's payment_date). */
  paymentInDays: number;
}

/** Overrides for a new purchase order; anything left out is drawn at random (ids among existing rows). */
export interface NewPurchaseOrderValues {
  staffId: number;
  counterpartyId: number;
  itemCode: string;
  itemQuantity: number;
  /** `numeric(10,2)`, e.g. `'412.07'` or `412.07`. */
  itemUnitPrice: string | number;
  currencyId: number;
  agreedDeliveryLocationId: number;
  deliveryInDays: number;
  paymentInDays: number;
}

/** One mutation to apply; target ids and new values are optional and drawn at random when left out. */
export type TotesysMutation =
  | { kind: typeof MutationKind.salesOrderCreated; values?: Partial<NewSalesOrderValues> }
  | { kind: typeof MutationKind.purchaseOrderCreated; values?: Partial<NewPurchaseOrderValues> }
  | { kind: typeof MutationKind.paymentPaid; paymentId?: number }
  | { kind: typeof MutationKind.departmentRenamed; departmentId?: number; departmentName?: string }
  | { kind: typeof MutationKind.staffMoved; staffId?: number; departmentId?: number }
  | { kind: typeof MutationKind.designCreated; designName?: string }
  | { kind: typeof MutationKind.designRenamed; designId?: number; designName?: string }
  | { kind: typeof MutationKind.addressUpdated; addressId?: number }
  | { kind: typeof MutationKind.counterpartyContactUpdated; counterpartyId?: number }
  | { kind: typeof MutationKind.currencyTouched; currencyId?: number }
  | { kind: typeof MutationKind.paymentTypeTouched; paymentTypeId?: number }
  | { kind: typeof MutationKind.rowDeleted; table?: DeletableTable; id?: number };

/**
 * The tables a `row_deleted` mutation deletes from, each with what makes a row deletable: nothing points at it, so
 * every foreign key of totesys still holds. Payments (which nothing references) are drawn most often.
 */
export const deletableRows = {
  payment: { weight: 4, unreferenced: 'true' },
  transaction: { weight: 1, unreferenced: notReferenced('transaction', [['payment', 'transaction_id']]) },
  sales_order: {
    weight: 1,
    unreferenced: notReferenced('sales_order', [['transaction', 'sales_order_id']]),
  },
  purchase_order: {
    weight: 1,
    unreferenced: notReferenced('purchase_order', [['transaction', 'purchase_order_id']]),
  },
  design: { weight: 1, unreferenced: notReferenced('design', [['sales_order', 'design_id']]) },
  staff: {
    weight: 1,
    unreferenced: notReferenced('staff', [
      ['sales_order', 'staff_id'],
      ['purchase_order', 'staff_id'],
    ]),
  },
  address: {
    weight: 1,
    unreferenced: notReferenced('address', [
      ['counterparty', 'legal_address_id'],
      ['sales_order', 'agreed_delivery_location_id'],
      ['purchase_order', 'agreed_delivery_location_id'],
    ]),
  },
  counterparty: {
    weight: 1,
    unreferenced: notReferenced('counterparty', [
      ['sales_order', 'counterparty_id'],
      ['purchase_order', 'counterparty_id'],
      ['payment', 'counterparty_id'],
    ]),
  },
} as const satisfies Partial<Record<TotesysTable, { weight: number; unreferenced: string }>>;
/** A table that `row_deleted` may delete from. */
export type DeletableTable = keyof typeof deletableRows;

/**
 * A deletable row: of the given table, or of a table drawn by weight, falling back to the others in turn when the
 * drawn one has no row that nothing references (a young database whose every design has sales).
 */
async function pickDeletable(
  client: pg.ClientBase,
  random: Random,
  given: DeletableTable | undefined,
): Promise<{ table: DeletableTable; id: number }> {
  const tables = Object.keys(deletableRows) as DeletableTable[];
  const first =
    given ?? random.weightedPick(tables.map((table) => [table, deletableRows[table].weight] as const));
  const order = given ? [given] : [first, ...tables.filter((table) => table !== first)];
  for (const table of order) {
    try {
      return { table, id: await pickId(client, table, random, deletableRows[table].unreferenced) };
    } catch (error) {
      if (!(error instanceof TotesysNothingToMutateError)) throw error;
    }
  }
  throw new TotesysNothingToMutateError(`no ${given ?? 'totesys'} row is free of references.`);
}

/** A predicate on `table`'s rows: no row of the referencing tables points at it. */
function notReferenced(table: TotesysTable, by: readonly (readonly [TotesysTable, string])[]): string {
  const key = `${qualifiedTable(table)}.${primaryKeyOf(table)}`;
  return by
    .map(
      ([referencing, column]) =>
        `NOT EXISTS (SELECT 1 FROM ${qualifiedTable(referencing)} r WHERE r.${column} = ${key})`,
    )
    .join(' AND ');
}

/** What one mutation did: the tables it wrote and the id of the row it inserted or updated in each. */
export interface MutationRecord {
  readonly kind: MutationKind;
  readonly tables: readonly TotesysTable[];
  readonly ids: Readonly<Partial<Record<TotesysTable, number>>>;
}

/** Options of {@link mutateTotesys}. */
export interface MutateTotesysOptions {
  /** Same seed and same database state → same choices (timestamps aside). */
  seed?: TotesysSeed;
  /** How many mutations to apply. */
  count: number;
  /** Kinds to draw from, by {@link mutationWeights}. Defaults to {@link liveMutationKinds}. */
  kinds?: readonly MutationKind[];
}

/** Options of {@link applyTotesysMutation}. */
export interface ApplyMutationOptions {
  /** Seeds the choice of rows and values not given in the mutation. */
  seed?: TotesysSeed;
}

/**
 * Changes the database the way the live system does, `count` times, each change in its own transaction with
 * `now()` timestamps (`last_updated` bumped on updates). Returns what was done, in order.
 */
export async function mutateTotesys(
  connection: TotesysConnection,
  options: MutateTotesysOptions,
): Promise<MutationRecord[]> {
  const { count } = options;
  if (!Number.isInteger(count) || count < 0) {
    throw new TotesysOptionsError(`count must be a non-negative integer, got ${String(count)}.`);
  }
  const kinds = options.kinds ?? liveMutationKinds;
  assertKinds(kinds);
  const random = createRandom(options.seed ?? defaultTotesysSeed, 'mutations');
  const weighted = kinds.map((kind) => [kind, mutationWeights[kind]] as const);
  return withClient(connection, async (client) => {
    const done: MutationRecord[] = [];
    for (let i = 0; i < count; i++) {
      const kind = random.weightedPick(weighted);
      const apply = mutations[kind] as Mutation<TotesysMutation>;
      done.push(await inTransaction(client, () => apply(client, random, { kind } as TotesysMutation)));
    }
    return done;
  });
}

/**
 * Applies one mutation in its own transaction, e.g. `{ kind: MutationKind.designRenamed, designId: 3 }` or
 * `{ kind: MutationKind.salesOrderCreated }`. With an open client, the client must not be inside a transaction.
 * @throws {TotesysRowNotFoundError} when a given target id does not exist.
 * @throws {TotesysNothingToMutateError} when nothing qualifies (e.g. no unpaid payment is left).
 */
export async function applyTotesysMutation(
  connection: TotesysConnection,
  mutation: TotesysMutation,
  options: ApplyMutationOptions = {},
): Promise<MutationRecord> {
  assertKinds([mutation.kind]);
  const random = createRandom(options.seed ?? defaultTotesysSeed, `mutation:${mutation.kind}`);
  const apply = mutations[mutation.kind] as Mutation<TotesysMutation>;
  return withClient(connection, (client) => inTransaction(client, () => apply(client, random, mutation)));
}

type Mutation<M extends TotesysMutation> = (
  client: pg.ClientBase,
  random: Random,
  mutation: M,
) => Promise<MutationRecord>;

// `now()` is the transaction start; GREATEST keeps last_updated strictly increasing at millisecond precision.
const bumped = "GREATEST(now()::timestamp, last_updated + interval '1 millisecond')";

const mutations: { [K in MutationKind]: Mutation<Extract<TotesysMutation, { kind: K }>> } = {
  sales_order_created: async (client, random, { values = {} }) => {
    const designId = values.designId ?? (await pickId(client, 'design', random));
    const staffId = values.staffId ?? (await pickId(client, 'staff', random));
    const counterpartyId = values.counterpartyId ?? (await pickId(client, 'counterparty', random));
    const currencyId = values.currencyId ?? (await pickId(client, 'currency', random));
    const locationId = values.agreedDeliveryLocationId ?? (await pickId(client, 'address', random));
    const unitsSold = values.unitsSold ?? random.int(...orderRanges.unitsSold);
    const unitPrice = values.unitPrice ?? formatCents(random.int(...orderRanges.unitPriceCents));
    const deliveryInDays = values.deliveryInDays ?? random.int(0, 7);
    const paymentInDays = values.paymentInDays ?? random.int(0, 6);
    const order = await insertOne<InsertedOrder>(
      client,
      `INSERT INTO public."sales_order" (created_at, last_updated, design_id, staff_id, counterparty_id, units_sold,
         unit_price, currency_id, agreed_delivery_date, agreed_payment_date, agreed_delivery_location_id)
       VALUES (now(), now(), $1, $2, $3, $4, $5, $6, to_char(current_date + $7::int, 'YYYY-MM-DD'),
         to_char(current_date + $8::int, 'YYYY-MM-DD'), $9)
       RETURNING sales_order_id AS id, units_sold * unit_price AS amount, agreed_payment_date, counterparty_id,
         currency_id`,
      [
        designId,
        staffId,
        counterpartyId,
        unitsSold,
        unitPrice,
        currencyId,
        deliveryInDays,
        paymentInDays,
        locationId,
      ],
    );
    const ids = await insertTransactionAndPayment(client, random, TransactionType.sale, order);
    return record(MutationKind.salesOrderCreated, { sales_order: order.id, ...ids });
  },

  purchase_order_created: async (client, random, { values = {} }) => {
    const staffId = values.staffId ?? (await pickId(client, 'staff', random));
    const counterpartyId = values.counterpartyId ?? (await pickId(client, 'counterparty', random));
    const currencyId = values.currencyId ?? (await pickId(client, 'currency', random));
    const locationId = values.agreedDeliveryLocationId ?? (await pickId(client, 'address', random));
    const itemCode = values.itemCode ?? code(random, 7);
    const quantity = values.itemQuantity ?? random.int(...orderRanges.itemQuantity);
    const unitPrice = values.itemUnitPrice ?? formatCents(random.int(...orderRanges.itemUnitPriceCents));
    const deliveryInDays = values.deliveryInDays ?? random.int(0, 7);
    const paymentInDays = values.paymentInDays ?? random.int(0, 6);
    const order = await insertOne<InsertedOrder>(
      client,
      `INSERT INTO public."purchase_order" (created_at, last_updated, staff_id, counterparty_id, item_code,
         item_quantity, item_unit_price, currency_id, agreed_delivery_date, agreed_payment_date,
         agreed_delivery_location_id)
       VALUES (now(), now(), $1, $2, $3, $4, $5, $6, to_char(current_date + $7::int, 'YYYY-MM-DD'),
         to_char(current_date + $8::int, 'YYYY-MM-DD'), $9)
       RETURNING purchase_order_id AS id, item_quantity * item_unit_price AS amount, agreed_payment_date,
         counterparty_id, currency_id`,
      [
        staffId,
        counterpartyId,
        itemCode,
        quantity,
        unitPrice,
        currencyId,
        deliveryInDays,
        paymentInDays,
        locationId,
      ],
    );
    const ids = await insertTransactionAndPayment(client, random, TransactionType.purchase, order);
    return record(MutationKind.purchaseOrderCreated, { purchase_order: order.id, ...ids });
  },

  payment_paid: async (client, random, { paymentId }) => {
    const id = paymentId ?? (await pickId(client, 'payment', random, 'NOT paid'));
    const updated = await client.query(
      `UPDATE public."payment" SET paid = true, last_updated = ${bumped} WHERE payment_id = $1 AND NOT paid`,
      [id],
    );
    if (updated.rowCount === 0) {
      await lockRow(client, 'payment', id);
      throw new TotesysNothingToMutateError(`payment ${id} is already paid.`);
    }
    return record(MutationKind.paymentPaid, { payment: id });
  },

  department_renamed: async (client, random, { departmentId, departmentName }) => {
    const id = departmentId ?? (await pickId(client, 'department', random));
    const current = await lockRow(client, 'department', id);
    const name =
      departmentName ??
      random.pick(departmentRenames.filter((candidate) => candidate !== current.department_name));
    await client.query(
      `UPDATE public."department" SET department_name = $2, last_updated = ${bumped} WHERE department_id = $1`,
      [id, name],
    );
    return record(MutationKind.departmentRenamed, { department: id });
  },

  staff_moved: async (client, random, { staffId, departmentId }) => {
    const id = staffId ?? (await pickId(client, 'staff', random));
    const current = await lockRow(client, 'staff', id);
    let target = departmentId;
    if (target === undefined) {
      const others = await client.query<{ id: number }>(
        'SELECT department_id AS id FROM public."department" WHERE department_id <> $1 ORDER BY department_id',
        [current.department_id],
      );
      if (others.rows.length === 0)
        throw new TotesysNothingToMutateError('There is no other department to move to.');
      target = random.pick(others.rows).id;
    }
    await client.query(
      `UPDATE public."staff" SET department_id = $2, last_updated = ${bumped} WHERE staff_id = $1`,
      [id, target],
    );
    return record(MutationKind.staffMoved, { staff: id });
  },

  design_created: async (client, random, { designName }) => {
    const name = designName ?? random.pick(designNames);
    const folder = random.pick(designFolders);
    // Files are named for the day the design was drawn, some time before it reaches the catalogue.
    const drawnDaysAgo = random.int(1, 730);
    const design = await insertOne(
      client,
      `INSERT INTO public."design" (created_at, design_name, file_location, file_name, last_updated)
       VALUES (now(), $1, $2, lower($1) || '-' || to_char(current_date - $3::int, 'YYYYMMDD') || '-' || $4 || '.json',
         now())
       RETURNING design_id AS id`,
      [name, folder, drawnDaysAgo, designFileToken(random)],
    );
    return record(MutationKind.designCreated, { design: design.id });
  },

  design_renamed: async (client, random, { designId, designName }) => {
    const id = designId ?? (await pickId(client, 'design', random));
    const current = await lockRow(client, 'design', id);
    const name =
      designName ?? random.pick(designNames.filter((candidate) => candidate !== current.design_name));
    await client.query(
      `UPDATE public."design" SET design_name = $2, last_updated = ${bumped} WHERE design_id = $1`,
      [id, name],
    );
    return record(MutationKind.designRenamed, { design: id });
  },

  address_updated: async (client, random, { addressId }) => {
    const id = addressId ?? (await pickId(client, 'address', random));
    await lockRow(client, 'address', id);
    // Either the phone number changes or the premises move along the street.
    const [column, value] = random.chance(0.5)
      ? (['phone', phoneNumber(random)] as const)
      : (['address_line_1', streetLine(random)] as const);
    await client.query(
      `UPDATE public."address" SET ${column} = $2, last_updated = ${bumped} WHERE address_id = $1`,
      [id, value],
    );
    return record(MutationKind.addressUpdated, { address: id });
  },

  counterparty_contact_updated: async (client, random, { counterpartyId }) => {
    const id = counterpartyId ?? (await pickId(client, 'counterparty', random));
    await lockRow(client, 'counterparty', id);
    const column = random.pick(['commercial_contact', 'delivery_contact'] as const);
    await client.query(
      `UPDATE public."counterparty" SET ${column} = $2, last_updated = ${bumped} WHERE counterparty_id = $1`,
      [id, contactName(random)],
    );
    return record(MutationKind.counterpartyContactUpdated, { counterparty: id });
  },

  currency_touched: async (client, random, { currencyId }) => touch(client, random, 'currency', currencyId),

  payment_type_touched: async (client, random, { paymentTypeId }) =>
    touch(client, random, 'payment_type', paymentTypeId),

  row_deleted: async (client, random, { table: given, id: givenId }) => {
    const { table, id } =
      given && givenId !== undefined
        ? { table: given, id: givenId }
        : await pickDeletable(client, random, given);
    const { unreferenced } = deletableRows[table];
    const deleted = await client.query(
      `DELETE FROM ${qualifiedTable(table)} WHERE ${primaryKeyOf(table)} = $1 AND (${unreferenced})`,
      [id],
    );
    if (deleted.rowCount === 0)
      throw new TotesysNothingToMutateError(`${table} ${id} is gone or still referenced.`);
    return record(MutationKind.rowDeleted, { [table]: id });
  },
};

interface InsertedOrder {
  id: number;
  amount: string;
  agreed_payment_date: string;
  counterparty_id: number;
  currency_id: number;
}

/** The order's transaction and its unpaid payment, for the order's counterparty, currency and full amount. */
async function insertTransactionAndPayment(
  client: pg.ClientBase,
  random: Random,
  type: TransactionType,
  order: InsertedOrder,
): Promise<Partial<Record<TotesysTable, number>>> {
  const isSale = type === TransactionType.sale;
  const transaction = await insertOne(
    client,
    `INSERT INTO public."transaction" (transaction_type, ${isSale ? 'sales_order_id' : 'purchase_order_id'},
       created_at, last_updated)
     VALUES ($1, $2, now(), now()) RETURNING transaction_id AS id`,
    [type, order.id],
  );
  const payment = await insertOne(
    client,
    `INSERT INTO public."payment" (created_at, last_updated, transaction_id, counterparty_id, payment_amount,
       currency_id, payment_type_id, paid, payment_date, company_ac_number, counterparty_ac_number)
     VALUES (now(), now(), $1, $2, $3, $4,
       (SELECT payment_type_id FROM public."payment_type" WHERE payment_type_name = $5), false, $6, $7, $8)
     RETURNING payment_id AS id`,
    [
      transaction.id,
      order.counterparty_id,
      order.amount,
      order.currency_id,
      isSale ? PaymentTypeName.salesReceipt : PaymentTypeName.purchasePayment,
      order.agreed_payment_date,
      random.int(...orderRanges.acNumber),
      random.int(...orderRanges.acNumber),
    ],
  );
  return { transaction: transaction.id, payment: payment.id };
}

/** Bumps last_updated without changing any value, as the live system sometimes does to reference rows. */
async function touch(
  client: pg.ClientBase,
  random: Random,
  table: 'currency' | 'payment_type',
  given: number | undefined,
): Promise<MutationRecord> {
  const id = given ?? (await pickId(client, table, random));
  const updated = await client.query(
    `UPDATE ${qualifiedTable(table)} SET last_updated = ${bumped} WHERE ${primaryKeyOf(table)} = $1`,
    [id],
  );
  if (updated.rowCount === 0) throw new TotesysRowNotFoundError(table, id);
  const kind = table === 'currency' ? MutationKind.currencyTouched : MutationKind.paymentTypeTouched;
  return record(kind, { [table]: id });
}

/**
 * A random existing id: the first matching row at or after a random point of the id range, wrapping around.
 * Walks the primary key index, so it stays cheap on millions of rows, and tolerates gaps in the ids.
 */
async function pickId(
  client: pg.ClientBase,
  table: TotesysTable,
  random: Random,
  where = 'true',
): Promise<number> {
  const key = primaryKeyOf(table);
  const from = qualifiedTable(table);
  const range = await client.query<{ max: number | null }>(`SELECT max(${key}) AS max FROM ${from}`);
  const max = range.rows[0]?.max ?? null;
  if (max === null) throw new TotesysNothingToMutateError(`${table} has no rows.`);
  const start = random.int(1, max);
  for (const direction of ['>=', '<'] as const) {
    const found = await client.query<{ id: number }>(
      `SELECT ${key} AS id FROM ${from} WHERE ${key} ${direction} $1 AND (${where}) ORDER BY ${key} LIMIT 1`,
      [start],
    );
    const row = found.rows[0];
    if (row) return row.id;
  }
  throw new TotesysNothingToMutateError(`No ${table} row matches ${where}.`);
}

/** Locks and returns a row, or throws {@link TotesysRowNotFoundError}. */
async function lockRow(
  client: pg.ClientBase,
  table: TotesysTable,
  id: number,
): Promise<Record<string, unknown>> {
  const found = await client.query(
    `SELECT * FROM ${qualifiedTable(table)} WHERE ${primaryKeyOf(table)} = $1 FOR UPDATE`,
    [id],
  );
  const row = found.rows[0] as Record<string, unknown> | undefined;
  if (!row) throw new TotesysRowNotFoundError(table, id);
  return row;
}

async function insertOne<R = { id: number }>(
  client: pg.ClientBase,
  sql: string,
  values: unknown[],
): Promise<R> {
  const inserted = await client.query(sql, values);
  return inserted.rows[0] as R;
}

function record(kind: MutationKind, ids: Partial<Record<TotesysTable, number>>): MutationRecord {
  return { kind, tables: totesysTables.filter((table) => ids[table] !== undefined), ids };
}

function assertKinds(kinds: readonly unknown[]): void {
  const known: readonly unknown[] = Object.values(MutationKind);
  if (kinds.length === 0) throw new TotesysOptionsError('kinds must name at least one mutation kind.');
  const unknown = kinds.filter((kind) => !known.includes(kind));
  if (unknown.length > 0) {
    throw new TotesysOptionsError(
      `Unknown mutation kind(s): ${unknown.join(', ')}; expected ${known.join(', ')}.`,
    );
  }
}

import { PaymentTypeName, type TotesysTable, TransactionType, totesysTables } from './ddl';
import { TotesysOptionsError } from './errors';
import { formatCents, type OrderEvent, type OrderEventCounts, orderEvents } from './order-events';
import {
  addressRows,
  counterpartyRows,
  currencyRows,
  departmentRows,
  designRows,
  paymentTypeRows,
  referenceRowCounts,
  staffRows,
} from './reference-rows';
import { formatDate, formatTimestamp } from './timeline';
import type {
  PaymentRow,
  PurchaseOrderRow,
  SalesOrderRow,
  TotesysRowCounts,
  TotesysRows,
  TotesysSeed,
  TransactionRow,
} from './types';

/** Options of {@link generateTotesys}. */
export interface GenerateTotesysOptions {
  /** Same seed, same rows, byte for byte. Defaults to {@link defaultTotesysSeed}. */
  seed?: TotesysSeed;
  /**
   * Multiplies the transactional tables (sales_order, purchase_order, transaction, payment); fractions allowed,
   * at least one row each. Reference tables keep their real sizes. Defaults to 1 (the real row counts).
   */
  scale?: number;
}

/** A generated totesys database: row counts and, per table, a fresh lazy stream of its rows in id order. */
export interface TotesysDataset {
  readonly seed: TotesysSeed;
  readonly scale: number;
  readonly counts: TotesysRowCounts;
  /** A new generator over the table's rows each call; nothing is held in memory between rows. */
  rows<T extends TotesysTable>(table: T): Generator<TotesysRows[T]>;
}

/** The seed used when none is given. */
export const defaultTotesysSeed = 1;

/** Row counts of the live database (2024-11-15 snapshot), i.e. scale 1. */
export const liveTotesysRowCounts: TotesysRowCounts = {
  ...referenceRowCounts,
  sales_order: 11187,
  purchase_order: 4649,
  transaction: 15836,
  payment: 15836,
};

/** The row count of every table at a scale: orders scaled and rounded (at least 1), one transaction and payment each. */
export function totesysRowCounts(scale: number): TotesysRowCounts {
  assertScale(scale);
  const sales = Math.max(1, Math.round(liveTotesysRowCounts.sales_order * scale));
  const purchases = Math.max(1, Math.round(liveTotesysRowCounts.purchase_order * scale));
  return {
    ...referenceRowCounts,
    sales_order: sales,
    purchase_order: purchases,
    transaction: sales + purchases,
    payment: sales + purchases,
  };
}

/**
 * A deterministic simulation of the totesys database: reference tables at their real sizes, ~2 years of orders
 * (2022-11-03 → 2024-11-15) with one transaction and one payment each, ~61 % of payments settled later.
 */
export function generateTotesys(options: GenerateTotesysOptions = {}): TotesysDataset {
  const seed = options.seed ?? defaultTotesysSeed;
  const scale = options.scale ?? 1;
  assertSeed(seed);
  const counts = totesysRowCounts(scale);
  const orderCounts: OrderEventCounts = {
    salesOrders: counts.sales_order,
    purchaseOrders: counts.purchase_order,
  };
  const streams: { [T in TotesysTable]: () => Generator<TotesysRows[T]> } = {
    address: () => addressRows(seed),
    counterparty: () => counterpartyRows(seed),
    currency: () => currencyRows(),
    department: () => departmentRows(),
    design: () => designRows(seed),
    payment_type: () => paymentTypeRows(),
    staff: () => staffRows(seed),
    sales_order: () => salesOrderRows(orderEvents(seed, orderCounts)),
    purchase_order: () => purchaseOrderRows(orderEvents(seed, orderCounts)),
    transaction: () => transactionRows(orderEvents(seed, orderCounts)),
    payment: () => paymentRows(orderEvents(seed, orderCounts)),
  };
  return {
    seed,
    scale,
    counts,
    rows: <T extends TotesysTable>(table: T) => {
      if (!totesysTables.includes(table)) throw new TotesysOptionsError(`Unknown totesys table '${table}'.`);
      return streams[table]();
    },
  };
}

function* salesOrderRows(events: Iterable<OrderEvent>): Generator<SalesOrderRow> {
  for (const event of events) {
    if (event.type !== TransactionType.sale) continue;
    const stamp = formatTimestamp(event.createdAt);
    yield {
      sales_order_id: event.orderId,
      created_at: stamp,
      last_updated: stamp,
      design_id: event.designId,
      staff_id: event.staffId,
      counterparty_id: event.counterpartyId,
      units_sold: event.quantity,
      unit_price: formatCents(event.priceCents),
      currency_id: event.currencyId,
      agreed_delivery_date: formatDate(event.agreedDeliveryAt),
      agreed_payment_date: formatDate(event.agreedPaymentAt),
      agreed_delivery_location_id: event.deliveryLocationId,
    };
  }
}

function* purchaseOrderRows(events: Iterable<OrderEvent>): Generator<PurchaseOrderRow> {
  for (const event of events) {
    if (event.type !== TransactionType.purchase) continue;
    const stamp = formatTimestamp(event.createdAt);
    yield {
      purchase_order_id: event.orderId,
      created_at: stamp,
      last_updated: stamp,
      staff_id: event.staffId,
      counterparty_id: event.counterpartyId,
      item_code: event.itemCode,
      item_quantity: event.quantity,
      item_unit_price: formatCents(event.priceCents),
      currency_id: event.currencyId,
      agreed_delivery_date: formatDate(event.agreedDeliveryAt),
      agreed_payment_date: formatDate(event.agreedPaymentAt),
      agreed_delivery_location_id: event.deliveryLocationId,
    };
  }
}

function* transactionRows(events: Iterable<OrderEvent>): Generator<TransactionRow> {
  for (const event of events) {
    const stamp = formatTimestamp(event.createdAt);
    const isSale = event.type === TransactionType.sale;
    yield {
      transaction_id: event.transactionId,
      transaction_type: event.type,
      sales_order_id: isSale ? event.orderId : null,
      purchase_order_id: isSale ? null : event.orderId,
      created_at: stamp,
      last_updated: stamp,
    };
  }
}

const salesReceiptId = Object.values(PaymentTypeName).indexOf(PaymentTypeName.salesReceipt) + 1;
const purchasePaymentId = Object.values(PaymentTypeName).indexOf(PaymentTypeName.purchasePayment) + 1;

function* paymentRows(events: Iterable<OrderEvent>): Generator<PaymentRow> {
  for (const event of events) {
    const created = formatTimestamp(event.createdAt);
    yield {
      payment_id: event.transactionId,
      created_at: created,
      last_updated: event.paidAt === null ? created : formatTimestamp(event.paidAt),
      transaction_id: event.transactionId,
      counterparty_id: event.counterpartyId,
      // Exact in hundredths: at most 99,973 × 400 or 999 × 99,999, far inside 2^53.
      payment_amount: formatCents(event.quantity * event.priceCents),
      currency_id: event.currencyId,
      payment_type_id: event.type === TransactionType.sale ? salesReceiptId : purchasePaymentId,
      paid: event.paidAt !== null,
      payment_date: formatDate(event.agreedPaymentAt),
      company_ac_number: event.companyAcNumber,
      counterparty_ac_number: event.counterpartyAcNumber,
    };
  }
}

function assertScale(scale: number): void {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new TotesysOptionsError(`scale must be a positive finite number, got ${String(scale)}.`);
  }
}

function assertSeed(seed: TotesysSeed): void {
  const valid =
    typeof seed === 'string' ? seed.length > 0 : typeof seed === 'number' && Number.isFinite(seed);
  if (!valid)
    throw new TotesysOptionsError(`seed must be a finite number or a non-empty string, got ${String(seed)}.`);
}

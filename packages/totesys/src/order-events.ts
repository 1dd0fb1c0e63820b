import { TransactionType } from './ddl';
import { createRandom, type Random } from './random';
import { designsExistingAt, referenceRowCounts } from './reference-rows';
import { slotInstant, totesysTimeline } from './timeline';
import type { TotesysSeed } from './types';

/**
 * One business event of the order history: an order, its transaction and its payment, as raw numbers.
 * The table generators replay the same event stream and each formats only its own table's rows.
 */
export interface OrderEvent {
  /** Also the payment id: one transaction and one payment per order. */
  readonly transactionId: number;
  readonly type: TransactionType;
  /** `sales_order_id` or `purchase_order_id`, depending on `type`. */
  readonly orderId: number;
  /** Epoch milliseconds; order, transaction and payment share it. */
  readonly createdAt: number;
  /** 0 for purchases. */
  readonly designId: number;
  readonly staffId: number;
  readonly counterpartyId: number;
  /** units_sold or item_quantity. */
  readonly quantity: number;
  /** unit_price or item_unit_price, in hundredths. */
  readonly priceCents: number;
  readonly currencyId: number;
  readonly agreedDeliveryAt: number;
  readonly agreedPaymentAt: number;
  readonly deliveryLocationId: number;
  /** '' for sales. */
  readonly itemCode: string;
  readonly companyAcNumber: number;
  readonly counterpartyAcNumber: number;
  /** When the payment flipped to paid, or null while still unpaid. */
  readonly paidAt: number | null;
}

/** Order counts of one generated history. */
export interface OrderEventCounts {
  readonly salesOrders: number;
  readonly purchaseOrders: number;
}

/** Share of payments that end up paid (the live data: 9,648 of 15,836). */
export const paidShare = 0.61;
/** Ranges observed in the live data. */
export const orderRanges = {
  unitsSold: [1001, 99973],
  unitPriceCents: [200, 400],
  itemQuantity: [1, 999],
  itemUnitPriceCents: [300, 99_999],
  acNumber: [10_000_000, 99_999_999],
} as const;

const itemCodeAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * The order history in transaction-id order. Sales and purchases interleave at random but the totals are exact
 * (drawn without replacement), creation instants grow with the id, and memory stays flat however long it runs.
 */
export function* orderEvents(seed: TotesysSeed, counts: OrderEventCounts): Generator<OrderEvent> {
  const random = createRandom(seed, 'orders');
  const total = counts.salesOrders + counts.purchaseOrders;
  const { ordersStart, ordersEnd, dayMs } = totesysTimeline;
  let salesLeft = counts.salesOrders;
  let purchasesLeft = counts.purchaseOrders;
  for (let index = 0; index < total; index++) {
    const isSale = random.next() * (salesLeft + purchasesLeft) < salesLeft;
    const orderId = isSale ? counts.salesOrders - --salesLeft : counts.purchaseOrders - --purchasesLeft;
    const createdAt = slotInstant(index, total, random.next(), ordersStart, ordersEnd);
    const designId = isSale ? random.int(1, designsExistingAt(createdAt)) : 0;
    const staffId = random.int(1, referenceRowCounts.staff);
    const counterpartyId = random.int(1, referenceRowCounts.counterparty);
    const itemCode = isSale ? '' : code(random, 7);
    const quantity = isSale ? random.int(...orderRanges.unitsSold) : random.int(...orderRanges.itemQuantity);
    const priceCents = isSale
      ? random.int(...orderRanges.unitPriceCents)
      : random.int(...orderRanges.itemUnitPriceCents);
    const currencyId = random.int(1, referenceRowCounts.currency);
    // Usually within a week; a few orders are agreed for delivery months ahead.
    const deliveryDays = random.chance(0.005) ? random.int(8, isSale ? 630 : 70) : 0;
    const agreedDeliveryAt = createdAt + deliveryDays * dayMs + Math.floor(random.next() * 7 * dayMs);
    const agreedPaymentAt = createdAt + Math.floor(random.next() * 6 * dayMs);
    const deliveryLocationId = random.int(1, referenceRowCounts.address);
    const companyAcNumber = random.int(...orderRanges.acNumber);
    const counterpartyAcNumber = random.int(...orderRanges.acNumber);
    const paysLater = random.chance(paidShare);
    const paidAt = createdAt + Math.floor(dayMs / 2 + random.next() * 5.5 * dayMs);
    yield {
      transactionId: index + 1,
      type: isSale ? TransactionType.sale : TransactionType.purchase,
      orderId,
      createdAt,
      designId,
      staffId,
      counterpartyId,
      quantity,
      priceCents,
      currencyId,
      agreedDeliveryAt,
      agreedPaymentAt,
      deliveryLocationId,
      itemCode,
      companyAcNumber,
      counterpartyAcNumber,
      // Payments due after the end of the history are still open.
      paidAt: paysLater && paidAt <= ordersEnd ? paidAt : null,
    };
  }
}

/** An upper-case alphanumeric code, like purchase item codes (`'Q7ZK2MD'`). */
export function code(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += itemCodeAlphabet[random.int(0, itemCodeAlphabet.length - 1)];
  return text;
}

/** Hundredths as a `numeric(10,2)` text: 1234 → `'12.34'`. */
export function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100);
  const fraction = cents - whole * 100;
  return `${whole}.${fraction < 10 ? '0' : ''}${fraction}`;
}

import type { Row } from '@totes/model';

/** Rows as the streamed batches a comparison reads. For this package's tests. */
export async function* batches(...lists: Row[][]): AsyncGenerator<Row[]> {
  for (const list of lists) yield list;
}

/** A payment row as totesys holds it: only its current version. For this package's tests. */
export function sourcePayment(payment_id: number, overrides: Row = {}): Row {
  return {
    payment_id,
    created_at: '2024-01-02T10:00:00.000',
    last_updated: '2024-01-03T11:00:00.000',
    transaction_id: payment_id,
    counterparty_id: 2,
    payment_amount: '100.00',
    currency_id: 1,
    payment_type_id: 1,
    paid: false,
    payment_date: '2024-01-10',
    company_ac_number: 11,
    counterparty_ac_number: 22,
    ...overrides,
  };
}

import { findSourceTable, type InboxFormat, type Row, type SourceTable } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { looseParquet } from '../testing';
import { rowsOfFile } from './file-rows';

const payment = findSourceTable('payment') as SourceTable;

// Two payments as the database extraction gives them: the rows every format must come to.
const rows: Row[] = [1, 2].map((id) => ({
  payment_id: id,
  created_at: '2022-11-03T14:20:52.186',
  last_updated: `2022-11-0${id + 3}T09:00:00.000`,
  transaction_id: id * 10,
  counterparty_id: 15,
  payment_amount: id === 1 ? '552548.62' : '0.07',
  currency_id: 2,
  payment_type_id: 3,
  paid: id === 2,
  payment_date: '2022-11-04',
  company_ac_number: 67305075,
  counterparty_ac_number: 31622269,
}));

async function* bytesOf(content: string | Uint8Array): AsyncGenerator<Uint8Array> {
  yield typeof content === 'string' ? new TextEncoder().encode(content) : content;
}

const names = payment.columns.map((column) => column.name);
// As COPY … (FORMAT csv, HEADER) writes it: booleans t/f, timestamps with a space.
const csv = `${names.join(',')}\n${rows
  .map((row) =>
    names
      .map((name) =>
        String(row[name])
          .replace('T', ' ')
          .replace(/^(true|false)$/, (b) => b[0] as string),
      )
      .join(','),
  )
  .join('\n')}\n`;
// As row_to_json writes it: numbers for numerics.
const jsonLines = rows
  .map((row) => JSON.stringify({ ...row, payment_amount: Number(row.payment_amount) }))
  .join('\n');

describe('rowsOfFile', () => {
  it.each([
    ['csv', csv],
    ['jsonl', jsonLines],
    ['parquet', looseParquet(payment, rows)],
  ] as const)('reads the same rows from %s', async (format, content) => {
    const read: Row[] = [];

    for await (const batch of rowsOfFile(payment, format as InboxFormat, bytesOf(content)))
      read.push(...batch);

    expect(read).toEqual(rows);
  });
});

import { findSourceTable, type Row, type SourceTable } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { InboxFileProblemError } from '../errors';
import { type JsonLine, readJsonLines, rowsOfJsonLines } from './json-lines';
import type { OnReject } from './rejects';

async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
}

async function linesOf(...parts: (string | Uint8Array)[]): Promise<JsonLine[]> {
  const lines: JsonLine[] = [];
  for await (const batch of readJsonLines(chunksOf(...parts))) lines.push(...batch);
  return lines;
}

const salesOrder = findSourceTable('sales_order') as SourceTable;

async function rowsOf(
  text: string,
  onUnknown?: (columns: readonly string[]) => void,
  onReject?: OnReject,
): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of rowsOfJsonLines(salesOrder, readJsonLines(chunksOf(text)), onUnknown, onReject))
    rows.push(...batch);
  return rows;
}

// A sales_order row as PostgreSQL's row_to_json writes it: numbers for integers and numerics, ISO timestamps.
const order = {
  sales_order_id: 2,
  created_at: '2022-11-03T14:20:52.186',
  last_updated: '2022-11-03T14:20:52.19',
  design_id: 3,
  staff_id: 19,
  counterparty_id: 8,
  units_sold: 42972,
  unit_price: 3.94,
  currency_id: 2,
  agreed_delivery_date: '2022-11-07',
  agreed_payment_date: '2022-11-08',
  agreed_delivery_location_id: 8,
};
const line = (changes: Record<string, unknown> = {}) => JSON.stringify({ ...order, ...changes });

describe('readJsonLines', () => {
  it('reads one value per line, numbering lines, skipping blank lines, a BOM and CRs', async () => {
    expect(await linesOf('\uFEFF{"a":1}\r\n\n{"a":2}\n  \n{"a":3}')).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: { a: 2 } },
      { line: 5, value: { a: 3 } },
    ]);
  });

  it('joins a line and a multi-byte character split across chunks', async () => {
    const euro = new TextEncoder().encode('€');

    const lines = await linesOf('{"a":"x', euro.slice(0, 2), euro.slice(2), '"}\n{"a"', ':1}\n');

    expect(lines.map((entry) => ('value' in entry ? entry.value : entry))).toEqual([{ a: 'x€' }, { a: 1 }]);
  });

  it('hands on a line that is not JSON with its text and why, a problem of that line alone', async () => {
    expect(await linesOf('{"a":1}\n{"a":\n')).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 2, notJson: expect.stringMatching(/^line 2: not JSON/), text: '{"a":' },
    ]);
  });

  it('refuses bytes that are not UTF-8, naming the line', async () => {
    await expect(linesOf('{"a":1}\n', new Uint8Array([0xff, 0x0a]))).rejects.toThrow(
      /line 2: the bytes are not UTF-8 text/,
    );
  });
});

describe('rowsOfJsonLines', () => {
  it('reads rows as row_to_json writes them, keys in any order, as the database extraction gives them', async () => {
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(order).reverse()));

    const rows = await rowsOf(`${reordered}\n`);

    expect(rows).toEqual([
      {
        ...order,
        created_at: '2022-11-03T14:20:52.186',
        last_updated: '2022-11-03T14:20:52.190',
        unit_price: '3.94',
      },
    ]);
  });

  it('keeps keys the catalog does not know in _rescued, and says which', async () => {
    const heard: (readonly string[])[] = [];

    const rows = await rowsOf(`${line({ note: 'x' })}\n${line({ note: 'y', source: 'z' })}\n`, (columns) =>
      heard.push(columns),
    );

    expect(rows.map((row) => row._rescued)).toEqual(['{"note":"x"}', '{"note":"y","source":"z"}']);
    expect(rows[0]).not.toHaveProperty('note');
    expect(heard.at(-1)).toEqual(['note', 'source']);
  });

  it.each([
    ['an empty file', '', /the file is empty: it has no JSON line/],
    ['a line that is not JSON', `${line()}\n{"a":\n`, /^line 2: not JSON/],
    ['a line that is not an object', '[1,2]\n', /line 1: not a JSON object/],
    [
      'a missing required key',
      `${JSON.stringify({ ...order, units_sold: undefined })}\n`,
      /line 1: lacks required column units_sold/,
    ],
    [
      'a nested value',
      `${line({ staff_id: { id: 1 } })}\n`,
      /line 1, column staff_id: a JSON array or object/,
    ],
    [
      'a price that is no 2-place decimal',
      `${line()}\n${line({ unit_price: 1.005001 })}\n`,
      /line 2, column unit_price: 1.005001 is not exactly a numeric\(10,2\) value \(the nearest is 1.01\)/,
    ],
    [
      'an integer out of int4 range',
      `${line({ units_sold: 2 ** 40 })}\n`,
      /line 1, column units_sold: 1099511627776 is out of range for a 32-bit integer/,
    ],
  ])('refuses %s with a reason', async (_case, text, reason) => {
    const read = rowsOf(text);

    await expect(read).rejects.toThrow(InboxFileProblemError);
    await expect(rowsOf(text)).rejects.toThrow(reason);
  });

  it('hands each bad line to onReject, with its line, column and text, and reads the rest', async () => {
    const rejected: Parameters<OnReject>[0][] = [];

    const rows = await rowsOf(
      `${line()}\n{"a":\n${line({ unit_price: 'x' })}\n${line({ sales_order_id: 9 })}\n`,
      undefined,
      (reject) => rejected.push(reject),
    );

    expect(rows.map((row) => row.sales_order_id)).toEqual([2, 9]);
    expect(rejected).toEqual([
      {
        place: 'line',
        at: 2,
        column: null,
        reason: expect.stringMatching(/^line 2: not JSON/),
        raw: '{"a":',
      },
      {
        place: 'line',
        at: 3,
        column: 'unit_price',
        reason: expect.stringMatching(/^line 3, column unit_price: /),
        raw: line({ unit_price: 'x' }),
      },
    ]);
  });
});

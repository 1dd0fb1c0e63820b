import { describe, expect, it } from 'vitest';
import { parseInboxKey } from './inbox';

describe('parseInboxKey', () => {
  it('takes the table from the first folder and the format from the extension', () => {
    expect(parseInboxKey('sales_order/2024/orders.csv')).toMatchObject({
      ok: true,
      table: { name: 'sales_order' },
      format: 'csv',
      compression: 'none',
    });
  });

  it('reads a .csv.gz file as gzip-compressed CSV', () => {
    expect(parseInboxKey('payment/p.CSV.gz')).toMatchObject({ ok: true, format: 'csv', compression: 'gzip' });
  });

  it.each([
    ['orders.jsonl', 'jsonl', 'none'],
    ['orders.NDJSON.zst', 'jsonl', 'zstd'],
    ['orders.parquet', 'parquet', 'none'],
    ['orders.parquet.gz', 'parquet', 'gzip'],
    ['orders.csv.zst', 'csv', 'zstd'],
  ])('reads %s as %s compressed %s', (name, format, compression) => {
    expect(parseInboxKey(`sales_order/${name}`)).toMatchObject({ ok: true, format, compression });
  });

  it.each([
    ['a file at the root', 'orders.csv', /not under a table folder/],
    ['an unknown table folder', 'orders/a.csv', /"orders" is not a table of the catalog/],
    ['a format the inbox does not read', 'design/a.xlsx', /reads \.csv, \.jsonl, \.ndjson or \.parquet/],
    ['a compressed file of no format', 'design/a.gz', /no supported extension/],
  ])('gives a reason for %s', (_case, key, reason) => {
    const meaning = parseInboxKey(key);

    expect(meaning.ok).toBe(false);
    expect(meaning.ok ? '' : meaning.reason).toMatch(reason);
  });
});

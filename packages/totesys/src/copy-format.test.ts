import { describe, expect, it } from 'vitest';
import { copyTextChunks, encodeCopyValue } from './copy-format';
import type { CurrencyRow } from './types';

describe('encodeCopyValue', () => {
  it('writes NULL as \\N and booleans as t/f', () => {
    expect([encodeCopyValue(null), encodeCopyValue(true), encodeCopyValue(false)]).toEqual(['\\N', 't', 'f']);
  });

  it('escapes backslashes, tabs and line breaks inside text', () => {
    expect(encodeCopyValue('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
  });

  it('writes numbers and plain text unchanged', () => {
    expect([encodeCopyValue(42), encodeCopyValue('12.30'), encodeCopyValue("O'Hara & Co")]).toEqual([
      '42',
      '12.30',
      "O'Hara & Co",
    ]);
  });
});

describe('copyTextChunks', () => {
  const currency = (id: number): CurrencyRow => ({
    currency_id: id,
    currency_code: `C${id}`,
    created_at: '2024-01-02 03:04:05.006',
    last_updated: '2024-01-02 03:04:05.006',
  });

  it('writes one tab-separated line per row in the DDL column order', () => {
    const text = [...copyTextChunks('currency', [currency(1)])].join('');

    expect(text).toBe('1\tC1\t2024-01-02 03:04:05.006\t2024-01-02 03:04:05.006\n');
  });

  it('groups rows into chunks of the asked size, the last one shorter', () => {
    const chunks = [...copyTextChunks('currency', [1, 2, 3, 4, 5].map(currency), 2)];

    expect(chunks.map((chunk) => chunk.split('\n').length - 1)).toEqual([2, 2, 1]);
  });

  it('yields nothing for no rows', () => {
    expect([...copyTextChunks('currency', [])]).toEqual([]);
  });
});

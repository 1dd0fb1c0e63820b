import { findSourceTable, type Row, type SourceTable } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from './csv-records';
import { rowsOfCsv } from './csv-rows';
import type { OnReject } from './rejects';

const currency = findSourceTable('currency') as SourceTable;
const header = 'currency_id,created_at,currency_code,last_updated';

async function* chunksOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

async function rowsOf(csv: string, onUnknown?: (c: readonly string[]) => void, onReject?: OnReject) {
  const rows: Row[] = [];
  for await (const batch of rowsOfCsv(currency, readCsvRecords(chunksOf(csv)), onUnknown, onReject))
    rows.push(...batch);
  return rows;
}

describe('rowsOfCsv', () => {
  it('matches columns by name in any order and gives rows as the database extraction does', async () => {
    const csv =
      'last_updated,currency_code,currency_id,created_at\n2024-01-02 03:04:05.6,EUR,2,2024-01-01 00:00:00\n';

    expect(await rowsOf(csv)).toEqual([
      {
        currency_id: 2,
        created_at: '2024-01-01T00:00:00.000',
        currency_code: 'EUR',
        last_updated: '2024-01-02T03:04:05.600',
      },
    ]);
  });

  it('keeps a column the catalog does not know in _rescued, and says which', async () => {
    const unknown: string[] = [];

    const rows = await rowsOf(`${header},note\n1,2024-01-01 00:00:00,GBP,2024-01-01 00:00:00,hi\n`, (c) =>
      unknown.push(...c),
    );

    expect(rows[0]).not.toHaveProperty('note');
    expect(rows[0]?._rescued).toBe('{"note":"hi"}');
    expect(unknown).toEqual(['note']);
  });

  it('reads a header alone as a file of no rows, and keeps both rows of a key given twice', async () => {
    expect(await rowsOf(`${header}\n`)).toEqual([]);
    // Which of the two wins is decided over the whole file (latest-per-key), not here.
    expect(
      await rowsOf(
        `${header}\n1,2024-01-01 00:00:00,GBP,2024-01-01 00:00:00\n1,2024-01-01 00:00:00,GBP,2024-01-02 00:00:00\n`,
      ),
    ).toHaveLength(2);
  });

  it.each([
    ['an empty file', '', /the file is empty: it has no header row/],
    [
      'a missing required column',
      'currency_id,created_at,last_updated\n',
      /line 1: the header lacks required column currency_code/,
    ],
    [
      'a column named twice',
      `${header},currency_id\n`,
      /line 1: the header names column "currency_id" twice/,
    ],
    [
      'a value of the wrong type',
      `${header}\nx,2024-01-01 00:00:00,GBP,2024-01-01 00:00:00\n`,
      /line 2, column currency_id: "x" is not an integer/,
    ],
    [
      'a record of the wrong width',
      `${header}\n1,2024-01-01 00:00:00,GBP\n`,
      /line 2: 3 fields where the header has 4/,
    ],
  ])('refuses %s with a reason', async (_case, csv, reason) => {
    await expect(rowsOf(csv)).rejects.toThrow(reason);
  });

  it('hands a record of the wrong width or with a bad value to onReject, written back as CSV, and reads the rest', async () => {
    const rejected: Parameters<OnReject>[0][] = [];
    const csv = `${header}\n1,2024-01-01 00:00:00,"G,B"\nx,2024-01-01 00:00:00,GBP,2024-01-01 00:00:00\n3,2024-01-01 00:00:00,EUR,2024-01-01 00:00:00\n`;

    const rows = await rowsOf(csv, undefined, (reject) => rejected.push(reject));

    expect(rows.map((row) => row.currency_id)).toEqual([3]);
    expect(rejected).toEqual([
      {
        place: 'line',
        at: 2,
        column: null,
        reason: 'line 2: 3 fields where the header has 4',
        raw: '1,2024-01-01 00:00:00,"G,B"',
      },
      {
        place: 'line',
        at: 3,
        column: 'currency_id',
        reason: expect.stringMatching(/^line 3, column currency_id: "x" is not an integer/),
        raw: 'x,2024-01-01 00:00:00,GBP,2024-01-01 00:00:00',
      },
    ]);
  });
});

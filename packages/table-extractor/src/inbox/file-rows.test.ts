import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { findSourceTable, type Row, type SourceTable } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from './csv-records';
import { fileBytes, rowsOfCsv } from './file-rows';

const currency = findSourceTable('currency') as SourceTable;
const header = 'currency_id,created_at,currency_code,last_updated';

async function rowsOf(
  csv: string | Buffer,
  compression: 'none' | 'gzip' = 'none',
  onUnknown?: (c: readonly string[]) => void,
) {
  const hash = createHash('sha256');
  const rows: Row[] = [];
  const bytes = fileBytes(Readable.from([Buffer.from(csv)]), compression, hash);
  for await (const batch of rowsOfCsv(currency, readCsvRecords(bytes), onUnknown)) rows.push(...batch);
  return { rows, sha256: hash.digest('hex') };
}

describe('rowsOfCsv', () => {
  it('matches columns by name in any order and gives rows as the database extraction does', async () => {
    const csv =
      'last_updated,currency_code,currency_id,created_at\n2024-01-02 03:04:05.6,EUR,2,2024-01-01 00:00:00\n';

    const { rows } = await rowsOf(csv);

    expect(rows).toEqual([
      {
        currency_id: 2,
        created_at: '2024-01-01T00:00:00.000',
        currency_code: 'EUR',
        last_updated: '2024-01-02T03:04:05.600',
      },
    ]);
  });

  it('reads a gzip file as a stream and hashes the bytes as stored', async () => {
    const gzip = gzipSync(`${header}\n1,2024-01-01 00:00:00,GBP,2024-01-01 00:00:00\n`);

    const { rows, sha256 } = await rowsOf(gzip, 'gzip');

    expect(rows).toHaveLength(1);
    expect(sha256).toBe(createHash('sha256').update(gzip).digest('hex'));
  });

  it('ignores a column the catalog does not know, and says which', async () => {
    const unknown: string[] = [];

    const { rows } = await rowsOf(
      `${header},note\n1,2024-01-01 00:00:00,GBP,2024-01-01 00:00:00,hi\n`,
      'none',
      (c) => unknown.push(...c),
    );

    expect(rows[0]).not.toHaveProperty('note');
    expect(unknown).toEqual(['note']);
  });

  it('reads a header alone as a file of no rows', async () => {
    expect((await rowsOf(`${header}\n`)).rows).toEqual([]);
  });

  it.each([
    ['an empty file', '', /the file is empty: it has no header row/],
    [
      'a missing required column',
      'currency_id,created_at,last_updated\n',
      /lacks required column currency_code/,
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
    [
      'a primary key twice',
      `${header}\n1,2024-01-01 00:00:00,GBP,2024-01-01 00:00:00\n1,2024-01-01 00:00:00,GBP,2024-01-02 00:00:00\n`,
      /line 3: currency_id 1 appears twice/,
    ],
  ])('refuses %s with a reason', async (_case, csv, reason) => {
    await expect(rowsOf(csv)).rejects.toThrow(reason);
  });

  it('refuses a truncated gzip file', async () => {
    const gzip = gzipSync(`${header}\n1,2024-01-01 00:00:00,GBP,2024-01-01 00:00:00\n`);

    await expect(rowsOf(gzip.subarray(0, gzip.length - 10), 'gzip')).rejects.toThrow(
      /not a readable gzip file/,
    );
  });
});

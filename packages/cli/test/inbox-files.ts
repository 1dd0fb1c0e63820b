import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseInboxKey, type Row, type SourceTable, type SourceTableName } from '@totes/model';
import { looseParquet, zstd } from '@totes/table-extractor/testing';
import { to as copyTo } from 'pg-copy-streams';
import type { TestPlatform } from './harness';

/**
 * Writes one table of the test's totesys to the inbox as `name` says: CSV as PostgreSQL's COPY writes it, JSON Lines
 * as row_to_json writes it, or Parquet as pandas writes it (int64, float64, timestamp[ns], columns in another order,
 * several row groups, and pandas' index column), then gzip or zstd when the name ends so.
 */
export async function exportTable(t: TestPlatform, table: SourceTableName, name: string): Promise<void> {
  const meaning = parseInboxKey(`${table}/${name}`);
  if (!meaning.ok) throw new Error(meaning.reason);
  await mkdir(join(t.inboxDir, table), { recursive: true });
  const content = await tableAs(t, meaning.table, meaning.format);
  const compressed =
    meaning.compression === 'gzip'
      ? gzipSync(content)
      : meaning.compression === 'zstd'
        ? await zstd(content)
        : content;
  // Nothing lists the inbox until the test runs a cycle, so the file is written in place.
  await writeFile(join(t.inboxDir, table, name), compressed);
}

export async function tableAs(t: TestPlatform, table: SourceTable, format: string): Promise<Uint8Array> {
  if (format === 'jsonl') {
    const { rows } = await t.source.query<{ line: string }>(
      `SELECT row_to_json(${table.name})::text AS line FROM ${table.name}`,
    );
    return Buffer.from(rows.map((row) => `${row.line}\n`).join(''));
  }
  if (format === 'parquet') {
    const { rows } = await t.source.query<Row>(`SELECT * FROM ${table.name}`);
    const columns = table.columns.map((column) => column.name).reverse();
    const extra = { __index_level_0__: rows.map((_row, index) => String(index)) };
    return looseParquet(table, rows, { columns, extra, rowGroupRows: Math.ceil(rows.length / 3) });
  }
  const client = await t.source.connect();
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(`COPY ${table.name} TO STDOUT (FORMAT csv, HEADER)`)))
      chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } finally {
    client.release();
  }
}

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import { processedColumnsOf, warehouseModels } from '@totes/model';
import { copyBinaryHeader, copyBinaryTrailer, decodeParquetColumns, encodeParquet } from '@totes/runtime';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBinary } from '../src/copy-binary';
import { stagingType } from '../src/staging';
import { processedRows } from './processed-rows';
import { rowCopyText } from './row-copy-text';

const q = pg.escapeIdentifier;

let postgres: TestPostgres;
let pool: pg.Pool;
beforeAll(async () => {
  postgres = await startTestPostgres();
  pool = new pg.Pool({ connectionString: postgres.url('postgres') });
});
afterAll(async () => {
  await pool?.end();
  await postgres?.dispose();
});

async function copyInto(
  table: string,
  columns: readonly string[],
  chunks: readonly Buffer[],
  binary: boolean,
) {
  const client = await pool.connect();
  try {
    const list = columns.map(q).join(', ');
    const format = binary ? ' (FORMAT binary)' : '';
    await pipeline(
      Readable.from(chunks),
      client.query(copyFrom(`COPY ${table} (${list}) FROM STDIN${format}`)),
    );
  } finally {
    client.release();
  }
}

/** Each row of a table as PostgreSQL's text of the whole row: a numeric's display scale included. */
async function rowTexts(table: string): Promise<string[]> {
  const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t ORDER BY 1`);
  return rows.map((row) => row.row);
}

describe('the binary COPY of column batches, against PostgreSQL', () => {
  it.each(warehouseModels.map((model) => [model.name, model] as const))(
    'stages the same %s values as the text the row path wrote, on generated rows and edge values',
    async (name, model) => {
      const columns = processedColumnsOf(model);
      const rows = processedRows(model);
      const names = columns.map((column) => column.name);
      const ddl = columns.map((column) => `${q(column.name)} ${stagingType[column.lake]}`).join(', ');
      await pool.query(`CREATE TABLE ${name}_text (${ddl}); CREATE TABLE ${name}_binary (${ddl})`);
      const batches = decodeParquetColumns(encodeParquet(columns, rows), columns);

      await copyInto(`${name}_text`, names, [Buffer.from(rowCopyText(columns, rows))], false);
      await copyInto(
        `${name}_binary`,
        names,
        [copyBinaryHeader, ...batches.map((batch) => copyBinary(columns, batch)), copyBinaryTrailer],
        true,
      );

      const expected = await rowTexts(`${name}_text`);
      expect(expected).toHaveLength(rows.length);
      expect(await rowTexts(`${name}_binary`)).toEqual(expected);
    },
  );
});

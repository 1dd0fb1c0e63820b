import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { inTransaction, withClient } from './connection';
import { copyTextChunks } from './copy-format';
import {
  primaryKeyOf,
  qualifiedTable,
  type TotesysTable,
  totesysColumns,
  totesysForeignKeysDdl,
  totesysTables,
  totesysTablesDdl,
} from './ddl';
import { TotesysAlreadySeededError } from './errors';
import { type GenerateTotesysOptions, generateTotesys } from './generator';
import type { TotesysRowCounts, TotesysRows, TotesysSeed } from './types';

/** What {@link seedTotesys} loaded. */
export interface SeedTotesysResult {
  readonly seed: TotesysSeed;
  readonly scale: number;
  /** Rows loaded per table. */
  readonly counts: TotesysRowCounts;
}

/**
 * Creates the totesys schema and loads a generated history with streamed, back-pressured `COPY … FROM STDIN`, then
 * adds the foreign keys and moves every serial sequence past its table's highest id, all in one transaction.
 * Memory stays flat at any scale.
 * @throws {TotesysAlreadySeededError} when any totesys table already holds rows (nothing is changed then).
 */
export async function seedTotesys(
  connectionString: string,
  options: GenerateTotesysOptions = {},
): Promise<SeedTotesysResult> {
  const dataset = generateTotesys(options);
  await withClient(connectionString, (client) =>
    inTransaction(client, async () => {
      // Two seeders racing on one database: the second waits, then sees rows and refuses.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('totesys.seed'))");
      await client.query(totesysTablesDdl);
      const filled = await tablesWithRows(client);
      if (filled.length > 0) throw new TotesysAlreadySeededError(filled);
      for (const table of totesysTables) await copyRows(client, table, dataset.rows(table));
      await client.query(totesysForeignKeysDdl);
      for (const table of totesysTables) await advanceSequence(client, table);
    }),
  );
  await withClient(connectionString, (client) =>
    client.query(`ANALYZE ${totesysTables.map(qualifiedTable).join(', ')}`),
  );
  return { seed: dataset.seed, scale: dataset.scale, counts: dataset.counts };
}

/** Whether any totesys table exists and holds rows, i.e. whether {@link seedTotesys} would refuse. */
export async function isSeeded(connectionString: string): Promise<boolean> {
  return withClient(connectionString, async (client) => (await tablesWithRows(client)).length > 0);
}

/** The totesys tables that exist in `public` and hold at least one row. */
async function tablesWithRows(client: pg.ClientBase): Promise<TotesysTable[]> {
  const existing = await client.query<{ relname: TotesysTable }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname = ANY($1::text[])`,
    [totesysTables],
  );
  const tables = totesysTables.filter((table) => existing.rows.some((row) => row.relname === table));
  if (tables.length === 0) return [];
  const probe = await client.query<Record<string, boolean>>(
    `SELECT ${tables.map((table) => `EXISTS (SELECT 1 FROM ${qualifiedTable(table)}) AS "${table}"`).join(', ')}`,
  );
  const flags = probe.rows[0] ?? {};
  return tables.filter((table) => flags[table] === true);
}

async function copyRows<T extends TotesysTable>(
  client: pg.ClientBase,
  table: T,
  rows: Iterable<TotesysRows[T]>,
): Promise<void> {
  const columns = totesysColumns[table].join(', ');
  const sink = client.query(copyFrom(`COPY ${qualifiedTable(table)} (${columns}) FROM STDIN`));
  await pipeline(Readable.from(copyTextChunks(table, rows)), sink);
}

async function advanceSequence(client: pg.ClientBase, table: TotesysTable): Promise<void> {
  const key = primaryKeyOf(table);
  await client.query(
    `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${key}) FROM ${qualifiedTable(table)}), 0) + 1, false)`,
    [qualifiedTable(table), key],
  );
}

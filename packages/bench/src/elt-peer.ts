import { pipeline } from 'node:stream/promises';
import { type PeerSchemas, peerRebuildSql, peerSchemasDdl, sourceTables, sqlIdentifier } from '@totes/model';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/** The ELT peer of one run: the source copied into staging, then the warehouse rebuilt in SQL. */
export interface PeerResult {
  /** Wall time of both steps, first COPY to the last table built; the schemas are created before the clock starts. */
  readonly ms: number;
  /** Creating the schemas and the empty staging tables, not counted in {@link PeerResult.ms}. */
  readonly ddlMs: number;
  /** The first step: COPY of the 11 source tables into staging. */
  readonly copyMs: number;
  /** The second step: the 11 warehouse tables built by `CREATE TABLE … AS SELECT`. */
  readonly buildMs: number;
  /** Source rows copied into staging. */
  readonly rows: number;
  readonly perModel: readonly { model: string; rows: number; ms: number }[];
}

/** The schemas the peer uses unless told otherwise. */
export const defaultPeerSchemas: PeerSchemas = { staging: 'peer_staging', target: 'peer_warehouse' };

/**
 * What a user of an ELT stack would run instead of the platform, on the same server and data: COPY the 11 source
 * tables of `sourceUrl` into a staging schema of `targetUrl` (streamed, as the COPY floor does), then rebuild the
 * 11 warehouse tables there in SQL, one `CREATE TABLE … AS SELECT` per model as dbt materialises a `table` model.
 * Every statement is generated from the model ({@link peerRebuildSql}), never written by hand.
 */
export async function measureEltPeer(
  sourceUrl: string,
  targetUrl: string,
  schemas: PeerSchemas = defaultPeerSchemas,
): Promise<PeerResult> {
  const source = new pg.Client({ connectionString: sourceUrl, application_name: 'totes-bench-peer' });
  const target = new pg.Client({ connectionString: targetUrl, application_name: 'totes-bench-peer' });
  await Promise.all([source.connect(), target.connect()]);
  try {
    const ddlStarted = performance.now();
    for (const statement of peerSchemasDdl(schemas)) await target.query(statement);
    const ddlMs = performance.now() - ddlStarted;
    const started = performance.now();
    let rows = 0;
    for (const table of sourceTables) {
      const columns = table.columns.map((column) => sqlIdentifier(column.name)).join(', ');
      const reader = source.query(
        copyTo(`COPY (SELECT ${columns} FROM public.${sqlIdentifier(table.name)}) TO STDOUT`),
      );
      const writer = target.query(
        copyFrom(
          `COPY ${sqlIdentifier(schemas.staging)}.${sqlIdentifier(table.name)} (${columns}) FROM STDIN`,
        ),
      );
      await pipeline(reader, writer);
      rows += writer.rowCount;
    }
    const copyMs = performance.now() - started;
    const perModel: { model: string; rows: number; ms: number }[] = [];
    for (const { model, sql } of peerRebuildSql(schemas)) {
      const modelStarted = performance.now();
      const built = await target.query(sql);
      perModel.push({ model, rows: built.rowCount ?? 0, ms: performance.now() - modelStarted });
    }
    const ms = performance.now() - started;
    return { ms, ddlMs, copyMs, buildMs: ms - copyMs, rows, perModel };
  } finally {
    await Promise.all([source.end(), target.end()]);
  }
}

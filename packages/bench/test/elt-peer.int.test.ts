import { sqlIdentifier as q, sourceTableNames, type WarehouseModel, warehouseModels } from '@totes/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../cli/test/harness';
import { measureEltPeer, type PeerResult } from '../src/elt-peer';

const peerSchemas = { staging: 'peer_staging', target: 'peer_warehouse' };

/**
 * The columns compared: each model's declared columns. Left out are the platform's own bookkeeping, which an
 * in-database rebuild of one snapshot has no use for: a fact's surrogate key (a serial, numbered in load order),
 * a dimension's `_source_version` (orders competing versions across loads) and `_deleted_at` (marks rows whose
 * source row was deleted; none is, in a fresh seed).
 */
function comparedColumns(model: WarehouseModel): string {
  return model.columns.map((column) => q(column.name)).join(', ');
}

describe('the ELT peer, generated from the model, against the platform on the seeded data', () => {
  let t: TestPlatform;
  let peer: PeerResult;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.05 });
    await t.runOnce();
    peer = await measureEltPeer(t.config.sourceUrl, t.config.warehouseUrl, peerSchemas);
  }, 180_000);

  afterAll(async () => {
    await t?.dispose();
  });

  it('copies every source row into staging and builds all 11 warehouse tables', async () => {
    const { rows } = await t.source.query<{ total: string }>(`SELECT (${warehouseSources()}) AS total`);
    expect(peer.rows).toBe(Number(rows[0]?.total));
    expect(peer.perModel.map((entry) => entry.model)).toEqual(warehouseModels.map((model) => model.name));
  });

  it.each(warehouseModels.map((model) => [model.name, model] as const))(
    'rebuilds %s row for row as the platform loaded it',
    async (_name, model) => {
      const columns = comparedColumns(model);
      const platformTable = `${q(t.config.warehouseSchema)}.${q(model.name)}`;
      const peerTable = `${q(peerSchemas.target)}.${q(model.name)}`;
      const differing = async (left: string, right: string) =>
        (
          await t.warehouse.query(
            `SELECT ${columns} FROM ${left} EXCEPT ALL SELECT ${columns} FROM ${right} ORDER BY 1 LIMIT 5`,
          )
        ).rows;
      const count = async (table: string) =>
        Number((await t.warehouse.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

      const platformRows = await count(platformTable);

      expect(platformRows).toBeGreaterThan(0);
      expect(await count(peerTable)).toBe(platformRows);
      expect(await differing(platformTable, peerTable)).toEqual([]);
      expect(await differing(peerTable, platformTable)).toEqual([]);
    },
  );
});

/** The sum of the 11 source tables' row counts, as one SQL expression. */
function warehouseSources(): string {
  return sourceTableNames.map((table) => `(SELECT count(*) FROM public.${q(table)})`).join(' + ');
}

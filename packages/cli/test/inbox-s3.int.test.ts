import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createAwsClients, createInboxLedger, createInboxStore, type InboxStore } from '@totes/runtime';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

// A whole inbox-only platform whose inbox is on S3 (fauxqs), as on AWS: files put under s3://…/inbox/<table>/ are
// found and loaded into the warehouse. fauxqs has no bucket notifications, so the detector's listing finds them;
// the notifications' own path is tested in packages/change-detector/test/inbox-events.int.test.ts.
describe('an inbox-only platform with its inbox on S3', () => {
  let t: TestPlatform;
  let inbox: InboxStore;
  let folder: string;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.01, inboxOnly: true, inboxOnS3: true });
    inbox = createInboxStore(t.config.inboxUrl, {
      s3Client: createAwsClients({ region: 'us-east-1', endpoint: t.awsEndpoint }).s3,
    });
    folder = await mkdtemp(join(tmpdir(), 'totes-s3-drop-'));
  });
  afterAll(async () => {
    await t?.dispose();
    await rm(folder, { recursive: true, force: true });
  });

  /** The table as PostgreSQL's COPY … TO (FORMAT csv, HEADER) writes it. */
  async function csvOf(table: string): Promise<Buffer> {
    const client = await t.source.connect();
    try {
      const chunks: Buffer[] = [];
      const stream = client.query(copyTo(`COPY ${table} TO STDOUT (FORMAT csv, HEADER)`));
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } finally {
      client.release();
    }
  }

  async function put(key: string, bytes: Buffer): Promise<void> {
    const path = join(folder, key.replaceAll('/', '_'));
    await writeFile(path, bytes);
    await inbox.putFile(key, path);
  }

  it('loads files put under the S3 inbox into the warehouse, each recorded loaded under its ETag', async () => {
    await put('design/designs.csv', await csvOf('design'));
    await put('currency/2026/currencies.csv.gz', gzipSync(await csvOf('currency')));

    await t.runOnce();
    const designs = await t.warehouse.query(
      `SELECT design_id, design_name FROM ${t.config.warehouseSchema}.dim_design ORDER BY design_id`,
    );
    const sourceDesigns = await t.source.query(
      'SELECT design_id, design_name FROM design ORDER BY design_id',
    );
    const currencies = await t.warehouse.query(
      `SELECT currency_code FROM ${t.config.warehouseSchema}.dim_currency ORDER BY currency_code`,
    );
    const sourceCurrencies = await t.source.query(
      'SELECT currency_code FROM currency ORDER BY currency_code',
    );
    const ledger = await createInboxLedger(t.warehouse, t.config.stateSchema).list();

    expect(designs.rows).toEqual(sourceDesigns.rows);
    expect(designs.rows.length).toBeGreaterThan(0);
    expect(currencies.rows).toEqual(sourceCurrencies.rows);
    expect(ledger.map((entry) => [entry.key, entry.state, entry.rowsLoaded]).sort()).toEqual([
      ['currency/2026/currencies.csv.gz', 'loaded', sourceCurrencies.rows.length],
      ['design/designs.csv', 'loaded', sourceDesigns.rows.length],
    ]);
    for (const entry of ledger) expect(entry.version).toMatch(/^".+"$/);
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from './testing';

describe('embedded Postgres', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('creates a database once and answers queries in UTC', async () => {
    await server.ensureDatabase('totesys');
    await server.ensureDatabase('totesys');
    const client = new pg.Client({ connectionString: server.url('totesys') });
    await client.connect();
    const { rows } = await client.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz");
    await client.end();
    expect(rows[0]?.tz).toBe('UTC');
  });
});

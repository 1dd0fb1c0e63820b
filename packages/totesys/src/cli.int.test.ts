import { startTestPostgres, type TestPostgres } from '@totes/local-stack';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTotesysCli } from './cli';

// The seed and mutate commands against a real database, as `npm start` and the bench call them.
describe('the totesys CLI against a database', () => {
  let server: TestPostgres;
  let url: string;

  beforeAll(async () => {
    server = await startTestPostgres();
    await server.ensureDatabase('totesys');
    url = server.url('totesys');
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runTotesysCli(
      argv,
      { out: (text) => out.push(text), err: (text) => err.push(text) },
      {},
    );
    return { code, out: out.join(''), err: err.join('') };
  };
  const salesOrders = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) AS n FROM sales_order')).rows[0].n);
    } finally {
      await client.end();
    }
  };

  it('seeds an empty database and prints the rows of each table; --if-empty then leaves it as it is', async () => {
    const seeded = await run(['seed', '--url', url, '--scale', '0.01', '--seed', '7']);
    const ordersAfterSeed = await salesOrders();

    const again = await run(['seed', '--url', url, '--scale', '0.01', '--if-empty']);

    expect(seeded.code).toBe(0);
    expect(seeded.out).toMatch(/^seeded totesys \(seed 7, scale 0\.01\): .*sales_order=(\d+)/);
    expect(seeded.out).toContain(`sales_order=${ordersAfterSeed} `);
    expect(again).toEqual({ code: 0, out: 'totesys is already seeded; nothing done.\n', err: '' });
    expect(await salesOrders()).toBe(ordersAfterSeed);
  });

  it('mutates as asked, one line per change naming the rows it touched', async () => {
    const before = await salesOrders();

    const { code, out } = await run([
      'mutate',
      '--url',
      url,
      '--count',
      '3',
      '--kinds',
      'sales_order_created',
    ]);

    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(3);
    expect(out).toMatch(/^sales_order_created sales_order=\d+/);
    expect(await salesOrders()).toBe(before + 3);
  });

  it('reports a database it cannot reach on stderr with exit code 1, without a stack', async () => {
    const { code, err } = await run(['mutate', '--url', 'postgres://postgres@127.0.0.1:1/totesys']);

    expect(code).toBe(1);
    expect(err).toMatch(/^\w+: .+\n$/);
    expect(err).not.toContain('    at ');
  });
});

import { warehouseModels } from '@totes/model';
import {
  CheckName,
  type CheckResult,
  DifferenceKind,
  runVerify,
  VerifyErrorCode,
  type VerifyReport,
  verifyWarehouse,
} from '@totes/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

describe('verifyWarehouse against a warehouse the platform loaded', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.02 });
    await t.runOnce();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const verify = () =>
    verifyWarehouse({ source: t.source, warehouse: t.warehouse, warehouseSchema: t.config.warehouseSchema });
  const failedChecks = (report: VerifyReport) =>
    report.checks.filter((check) => !check.ok).map((check) => `${check.table}: ${check.name}`);
  const checkOf = (report: VerifyReport, table: string, name: CheckName): CheckResult => {
    const found = report.checks.find((check) => check.table === table && check.name === name);
    if (!found) throw new Error(`the report has no check "${name}" of ${table}`);
    return found;
  };

  /** Runs `tamper`, verifies, and always runs `restore`, so each test leaves the databases as it found them. */
  async function verifyWhile(
    tamper: () => Promise<void>,
    restore: () => Promise<void>,
  ): Promise<VerifyReport> {
    await tamper();
    try {
      return await verify();
    } finally {
      await restore();
    }
  }

  it('passes on a freshly loaded warehouse', async () => {
    const report = await verify();

    expect(failedChecks(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(new Set(report.checks.map((check) => check.table))).toEqual(
      new Set(warehouseModels.map((model) => model.name)),
    );
  });

  it('prints one ✓ line per check and returns exit code 0 from runVerify on a freshly loaded warehouse', async () => {
    const output: string[] = [];

    const code = await runVerify({
      env: {},
      sourceUrl: t.config.sourceUrl,
      warehouseUrl: t.config.warehouseUrl,
      warehouseSchema: t.config.warehouseSchema,
      write: (text) => output.push(text),
    });

    const lines = output.join('').trimEnd().split('\n');
    expect(code).toBe(0);
    expect(lines.filter((line) => line.startsWith('✓ dim_') || line.startsWith('✓ fact_'))).toHaveLength(
      (await verify()).checks.length,
    );
    expect(lines.at(-1)).toMatch(/^✓ all \d+ checks passed$/);
  });

  it('fails the dim_design check naming the design_id and both names when a name is changed in the warehouse', async () => {
    const { rows } = await t.warehouse.query<{ design_name: string }>(
      'SELECT design_name FROM dim_design WHERE design_id = 2',
    );
    const original = rows[0]?.design_name;

    const report = await verifyWhile(
      async () => {
        await t.warehouse.query(`UPDATE dim_design SET design_name = 'Tampered' WHERE design_id = 2`);
      },
      async () => {
        await t.warehouse.query('UPDATE dim_design SET design_name = $1 WHERE design_id = 2', [original]);
      },
    );

    expect(failedChecks(report)).toEqual(['dim_design: dimension rows']);
    const check = checkOf(report, 'dim_design', CheckName.dimensionRows);
    expect(check.differenceCount).toBe(1);
    expect(check.differences).toEqual([
      {
        kind: DifferenceKind.value,
        key: { design_id: 2 },
        column: 'design_name',
        source: original,
        warehouse: 'Tampered',
      },
    ]);
  });

  it('fails the fact_sales_order checks naming the sales_order_id when one fact row is deleted', async () => {
    const { rows } = await t.warehouse.query<{ sales_order_id: number; fact: unknown }>(
      'SELECT sales_order_id, row_to_json(f) AS fact FROM fact_sales_order f ORDER BY sales_order_id OFFSET 10 LIMIT 1',
    );
    const deleted = rows[0];

    const report = await verifyWhile(
      async () => {
        await t.warehouse.query('DELETE FROM fact_sales_order WHERE sales_order_id = $1', [
          deleted?.sales_order_id,
        ]);
      },
      async () => {
        await t.warehouse.query(
          'INSERT INTO fact_sales_order SELECT * FROM json_populate_record(NULL::fact_sales_order, $1::json)',
          [JSON.stringify(deleted?.fact)],
        );
      },
    );

    expect(failedChecks(report)).toEqual([
      'fact_sales_order: fact versions',
      'fact_sales_order: totals',
      'fact_sales_order: totals per currency',
      'fact_sales_order: totals per day',
      'fact_sales_order: current rows',
    ]);
    const versions = checkOf(report, 'fact_sales_order', CheckName.factVersions);
    expect(versions.differences).toEqual([
      expect.objectContaining({
        kind: DifferenceKind.missing,
        key: { sales_order_id: deleted?.sales_order_id },
        warehouse: null,
      }),
    ]);
    const totals = checkOf(report, 'fact_sales_order', CheckName.totals);
    expect(totals.differences).toContainEqual(
      expect.objectContaining({ column: 'rows', source: expect.any(Number), warehouse: expect.any(Number) }),
    );
  });

  it('fails the fact_payment check and its sums per currency when one payment_amount is changed in the warehouse', async () => {
    const { rows } = await t.warehouse.query<{
      payment_id: number;
      payment_amount: string;
      currency_id: number;
    }>('SELECT payment_id, payment_amount::text, currency_id FROM fact_payment ORDER BY payment_id LIMIT 1');
    const payment = rows[0];
    const changed = (Number(payment?.payment_amount) + 1).toFixed(2);

    const report = await verifyWhile(
      async () => {
        await t.warehouse.query('UPDATE fact_payment SET payment_amount = $2 WHERE payment_id = $1', [
          payment?.payment_id,
          changed,
        ]);
      },
      async () => {
        await t.warehouse.query('UPDATE fact_payment SET payment_amount = $2 WHERE payment_id = $1', [
          payment?.payment_id,
          payment?.payment_amount,
        ]);
      },
    );

    expect(failedChecks(report)).toEqual([
      'fact_payment: fact versions',
      'fact_payment: totals',
      'fact_payment: totals per currency',
      'fact_payment: totals per day',
      'fact_payment: current rows',
    ]);
    expect(checkOf(report, 'fact_payment', CheckName.factVersions).differences).toEqual([
      {
        kind: DifferenceKind.value,
        key: { payment_id: payment?.payment_id },
        column: 'payment_amount',
        source: payment?.payment_amount,
        warehouse: changed,
      },
    ]);
    const perCurrency = checkOf(report, 'fact_payment', CheckName.totalsPerCurrency);
    expect(perCurrency.differences).toEqual([
      expect.objectContaining({
        kind: DifferenceKind.aggregate,
        key: { currency_id: payment?.currency_id },
        column: 'sum(payment_amount)',
      }),
    ]);
    const [sum] = perCurrency.differences;
    expect(Number(sum?.warehouse) - Number(sum?.source)).toBeCloseTo(1, 2);
  });

  it("fails only a fact's current-rows check, naming the key, when its current-rows table keeps an older version", async () => {
    const { rows } = await t.warehouse.query<{ payment_id: number; day: string }>(
      `SELECT payment_id, last_updated_date::text AS day FROM fact_payment_current ORDER BY payment_id LIMIT 1`,
    );
    const kept = rows[0];

    const report = await verifyWhile(
      async () => {
        await t.warehouse.query(
          `UPDATE fact_payment_current SET last_updated_date = last_updated_date - 1 WHERE payment_id = $1`,
          [kept?.payment_id],
        );
      },
      async () => {
        await t.warehouse.query(
          'UPDATE fact_payment_current SET last_updated_date = $2::date WHERE payment_id = $1',
          [kept?.payment_id, kept?.day],
        );
      },
    );

    expect(failedChecks(report)).toEqual(['fact_payment: current rows']);
    expect(checkOf(report, 'fact_payment', CheckName.currentRows).differences).toEqual([
      expect.objectContaining({ kind: DifferenceKind.stale, key: { payment_id: kept?.payment_id } }),
    ]);
  });

  it('fails the fact_payment dimension references naming the key when a payment inserted by hand references a missing counterparty', async () => {
    const orphan = { paymentId: 999_999, counterpartyId: 999_999 };

    const report = await verifyWhile(
      async () => {
        // Possible only because the foreign keys are declared NOT ENFORCED: PostgreSQL checks no row against them.
        await t.warehouse.query(
          `INSERT INTO fact_payment (payment_id, created_date, created_time, last_updated_date, last_updated_time,
             transaction_id, counterparty_id, payment_amount, currency_id, payment_type_id, paid, payment_date)
           SELECT $1, created_date, created_time, last_updated_date, last_updated_time, transaction_id, $2,
             payment_amount, currency_id, payment_type_id, paid, payment_date
           FROM fact_payment ORDER BY payment_record_id LIMIT 1`,
          [orphan.paymentId, orphan.counterpartyId],
        );
      },
      async () => {
        await t.warehouse.query('DELETE FROM fact_payment WHERE payment_id = $1', [orphan.paymentId]);
      },
    );

    expect(failedChecks(report)).toContain('fact_payment: dimension references');
    expect(failedChecks(report).filter((check) => check.endsWith('dimension references'))).toEqual([
      'fact_payment: dimension references',
    ]);
    const check = checkOf(report, 'fact_payment', CheckName.dimensionReferences);
    expect(check.differenceCount).toBe(1);
    expect(check.differences).toEqual([
      {
        kind: DifferenceKind.danglingReference,
        key: { counterparty_id: orphan.counterpartyId },
        column: 'dim_counterparty.counterparty_id',
        source: null,
        warehouse: '1 fact row',
      },
    ]);
  });

  it('reports a design renamed in the source but not loaded yet as a dim_design difference', async () => {
    const { rows } = await t.source.query<{ design_name: string }>(
      'SELECT design_name FROM design WHERE design_id = 3',
    );
    const loaded = rows[0]?.design_name;

    const report = await verifyWhile(
      async () => {
        await t.source.query(`UPDATE design SET design_name = 'Renamed at source' WHERE design_id = 3`);
      },
      async () => {
        await t.source.query('UPDATE design SET design_name = $1 WHERE design_id = 3', [loaded]);
      },
    );

    expect(failedChecks(report)).toEqual(['dim_design: dimension rows']);
    expect(checkOf(report, 'dim_design', CheckName.dimensionRows).differences).toEqual([
      {
        kind: DifferenceKind.value,
        key: { design_id: 3 },
        column: 'design_name',
        source: 'Renamed at source',
        warehouse: loaded,
      },
    ]);
  });

  it('reports a sales order updated in the source but not loaded yet as a stale fact version', async () => {
    const { rows } = await t.source.query<{ units_sold: number; last_updated: Date }>(
      'SELECT units_sold, last_updated FROM sales_order WHERE sales_order_id = 5',
    );
    const before = rows[0];

    const report = await verifyWhile(
      async () => {
        await t.source.query(
          `UPDATE sales_order SET units_sold = units_sold + 1, last_updated = last_updated + interval '1 hour'
           WHERE sales_order_id = 5`,
        );
      },
      async () => {
        await t.source.query(
          'UPDATE sales_order SET units_sold = $1, last_updated = $2 WHERE sales_order_id = 5',
          [before?.units_sold, before?.last_updated],
        );
      },
    );

    const versions = checkOf(report, 'fact_sales_order', CheckName.factVersions);
    expect(versions.ok).toBe(false);
    expect(versions.differences).toEqual([
      expect.objectContaining({ kind: DifferenceKind.stale, key: { sales_order_id: 5 } }),
    ]);
    expect(checkOf(report, 'fact_sales_order', CheckName.totals).differences).toEqual([
      expect.objectContaining({ column: 'sum(units_sold)' }),
    ]);
  });

  it('refuses a warehouse schema that holds no warehouse tables, naming what is missing', async () => {
    const verifying = verifyWarehouse({
      source: t.source,
      warehouse: t.warehouse,
      warehouseSchema: 'nowhere',
    });

    await expect(verifying).rejects.toMatchObject({
      code: VerifyErrorCode.warehouseNotMigrated,
      message: expect.stringContaining('dim_date'),
    });
  });

  it('prints the differences and returns exit code 1 from runVerify when the warehouse differs', async () => {
    const output: string[] = [];

    const code = await verifyWhileRun(
      async () => {
        await t.warehouse.query(
          `UPDATE dim_design SET design_name = design_name || ' (tampered)' WHERE design_id = 4`,
        );
      },
      async () => {
        await t.warehouse.query(
          `UPDATE dim_design SET design_name = left(design_name, -length(' (tampered)')) WHERE design_id = 4`,
        );
      },
      output,
    );

    const text = output.join('');
    expect(code).toBe(1);
    expect(text).toMatch(/^✗ dim_design +dimension rows/m);
    expect(text).toMatch(/^ {4}kind +key +column +source +warehouse$/m);
    expect(text).toMatch(/^ {4}value +design_id=4 +design_name +.+ \(tampered\)$/m);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^✗ 1 of \d+ checks failed$/);
  });

  async function verifyWhileRun(
    tamper: () => Promise<void>,
    restore: () => Promise<void>,
    output: string[],
  ): Promise<number> {
    await tamper();
    try {
      return await runVerify({
        env: {},
        sourceUrl: t.config.sourceUrl,
        warehouseUrl: t.config.warehouseUrl,
        warehouseSchema: t.config.warehouseSchema,
        write: (text) => output.push(text),
      });
    } finally {
      await restore();
    }
  }
});

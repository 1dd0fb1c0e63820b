import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  factVersionKey,
  type LakeColumn,
  processedColumnsOf,
  rawColumnsOf,
  sourceTables,
  sourceVersionColumn,
  type WarehouseModel,
  warehouseModels,
} from '@totes/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

// Downstream consumers read the lake with DuckDB, Athena or Spark: here a real DuckDB reads it as they would.

/** The type DuckDB gives a lake column read from Parquet, by the model's lake type. */
function duckTypeOf(column: LakeColumn): string {
  switch (column.lake) {
    case 'int32':
      return 'INTEGER';
    case 'string':
      return 'VARCHAR';
    case 'decimal':
      return `DECIMAL(${column.decimal?.precision},${column.decimal?.scale})`;
    case 'boolean':
      return 'BOOLEAN';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
  }
}

const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`;

describe('the lake, as DuckDB reads it', () => {
  let t: TestPlatform;
  let duck: DuckDBInstance;
  let db: DuckDBConnection;

  async function query(sql: string): Promise<Record<string, unknown>[]> {
    return (await db.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }
  const zone = (path: string): string => `read_parquet(${quote(`${t.config.lakeUrl}/${path}/**/*.parquet`)})`;
  // Raw parts of deletes carry _deleted_at and the others may not: read by name, as a consumer must.
  const rawZone = (table: string): string =>
    `read_parquet(${quote(`${t.config.lakeUrl}/raw/${table}/**/*.parquet`)}, union_by_name = true)`;

  beforeAll(async () => {
    t = await startTestPlatform({ scale: 0.02 });
    await t.runOnce();
    // A second version of some rows, so the processed zone holds repeated versions of dimension rows and facts.
    await t.source.query(
      `UPDATE sales_order SET units_sold = units_sold + 1, last_updated = now() WHERE sales_order_id <= 5`,
    );
    await t.source.query(`UPDATE staff SET first_name = 'Renamed', last_updated = now() WHERE staff_id <= 2`);
    await t.runOnce();
    duck = await DuckDBInstance.create(':memory:');
    db = await duck.connect();
  });
  afterAll(async () => {
    db?.closeSync();
    duck?.closeSync();
    await t?.dispose();
  });

  it('sees fact_sales_order with its decimal, date, time and integer types, required columns REQUIRED', async () => {
    const described = await query(`DESCRIBE SELECT * FROM ${zone('processed/fact_sales_order')}`);
    const types = Object.fromEntries(described.map((row) => [row.column_name, row.column_type]));
    const schema = await query(
      `SELECT DISTINCT name, repetition_type FROM parquet_schema(${quote(`${t.config.lakeUrl}/processed/fact_sales_order/**/*.parquet`)})
       WHERE name IN ('sales_order_id', 'unit_price', '_deleted_at')`,
    );

    expect(types).toMatchObject({
      sales_order_id: 'INTEGER',
      created_date: 'DATE',
      created_time: 'TIME',
      units_sold: 'INTEGER',
      unit_price: 'DECIMAL(10,2)',
      agreed_delivery_date: 'DATE',
      _deleted_at: 'TIMESTAMP',
    });
    expect(Object.fromEntries(schema.map((row) => [row.name, row.repetition_type]))).toEqual({
      sales_order_id: 'REQUIRED',
      unit_price: 'REQUIRED',
      _deleted_at: 'OPTIONAL',
    });
  });

  it.each(warehouseModels.map((model) => [model.name, model] as const))(
    'sees every column of processed/%s with the model type, non-null exactly where the model says',
    async (name, model: WarehouseModel) => {
      const columns = processedColumnsOf(model);

      const described = await query(`DESCRIBE SELECT * FROM ${zone(`processed/${name}`)}`);
      const repetitions = await query(
        `SELECT DISTINCT name, repetition_type FROM parquet_schema(${quote(`${t.config.lakeUrl}/processed/${name}/**/*.parquet`)})
         WHERE repetition_type IS NOT NULL AND name <> 'schema' ORDER BY name`,
      );

      expect(described.map((row) => [row.column_name, row.column_type])).toEqual(
        columns.map((column) => [column.name, duckTypeOf(column)]),
      );
      expect(repetitions).toEqual(
        columns
          .map((column) => ({
            name: column.name,
            repetition_type: column.nullable ? 'OPTIONAL' : 'REQUIRED',
          }))
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
      );
    },
  );

  it.each(sourceTables.map((table) => [table.name, table] as const))(
    'sees every column of raw/%s with the catalog type',
    async (name, table) => {
      const described = await query(`DESCRIBE SELECT * FROM ${rawZone(name)}`);
      const types = Object.fromEntries(described.map((row) => [row.column_name, row.column_type]));

      // The delete column is in tombstone parts only, which a run without a delete check does not write.
      const columns = rawColumnsOf(table).filter((column) => column.name in types || !column.nullable);
      expect(types).toEqual(Object.fromEntries(columns.map((column) => [column.name, duckTypeOf(column)])));
    },
  );

  it('sums units sold, revenue and payments over the processed zone to the warehouse totals, one row per version', async () => {
    // Facts keep one row per version of a source row, keyed like the warehouse's unique key on the version.
    const versions = (name: string): string => {
      const fact = warehouseModels.find((model) => model.name === name);
      if (fact?.kind !== 'fact') throw new Error(`no fact ${name}`);
      return `(SELECT DISTINCT ON (${factVersionKey(fact).join(', ')}) * FROM ${zone(`processed/${name}`)})`;
    };

    const [lakeSales] = await query(
      `SELECT count(*)::VARCHAR AS rows, sum(units_sold)::VARCHAR AS units, sum(unit_price * units_sold)::VARCHAR AS revenue
       FROM ${versions('fact_sales_order')}`,
    );
    const [lakePayments] = await query(
      `SELECT count(*)::VARCHAR AS rows, sum(payment_amount)::VARCHAR AS amount FROM ${versions('fact_payment')}`,
    );
    const [lakePurchases] = await query(
      `SELECT count(*)::VARCHAR AS rows, sum(item_unit_price * item_quantity)::VARCHAR AS cost
       FROM ${versions('fact_purchase_order')}`,
    );
    const { rows: warehouseSales } = await t.warehouse.query(
      `SELECT count(*)::text AS rows, sum(units_sold)::text AS units, sum(unit_price * units_sold)::text AS revenue
       FROM fact_sales_order`,
    );
    const { rows: warehousePayments } = await t.warehouse.query(
      'SELECT count(*)::text AS rows, sum(payment_amount)::text AS amount FROM fact_payment',
    );
    const { rows: warehousePurchases } = await t.warehouse.query(
      'SELECT count(*)::text AS rows, sum(item_unit_price * item_quantity)::text AS cost FROM fact_purchase_order',
    );

    expect(Number(lakeSales?.rows)).toBeGreaterThan(100);
    expect(lakeSales).toEqual(warehouseSales[0]);
    expect(lakePayments).toEqual(warehousePayments[0]);
    expect(lakePurchases).toEqual(warehousePurchases[0]);
  });

  it('holds the warehouse dimension rows as the latest version of each key in the processed zone', async () => {
    const latest = await query(
      `SELECT staff_id, arg_max(first_name, ${sourceVersionColumn}) AS first_name,
              max(${sourceVersionColumn}) AS version, count(*)::INTEGER AS versions
       FROM ${zone('processed/dim_staff')} GROUP BY staff_id ORDER BY staff_id`,
    );
    const { rows: warehouse } = await t.warehouse.query(
      `SELECT staff_id, first_name, ${sourceVersionColumn} AS version FROM dim_staff ORDER BY staff_id`,
    );

    // The zone holds every build's rows; the warehouse holds the latest version of each key.
    expect(latest.some((row) => Number(row.versions) > 1)).toBe(true);
    expect(latest.slice(0, 2).map((row) => row.first_name)).toEqual(['Renamed', 'Renamed']);
    expect(latest.map(({ versions: _, ...row }) => row)).toEqual(warehouse);
  });
});

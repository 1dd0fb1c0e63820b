import { type LakeObject, type ModelBuilt, newEnvelope, TableExtracted } from '@totes/contracts';
import { type DimensionModel, findModel, type LakeColumn, type Row } from '@totes/model';
import { type ColumnBatch, columnBatchOf, rowsOf } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { buildDimension } from './build-dimension';
import { NotADependencyError } from './errors';
import type { BuilderPorts } from './types';

function dimension(name: string): DimensionModel {
  const model = findModel(name);
  if (model?.kind !== 'dimension') throw new Error(`${name} is not a dimension`);
  return model;
}

function extracted(table: string): TableExtracted {
  return TableExtracted.parse({
    ...newEnvelope({ runId: crypto.randomUUID(), causationId: crypto.randomUUID() }),
    occurredAt: '2024-11-15T10:00:02.000Z',
    type: 'table.extracted',
    table,
    window: { after: null, rereadFrom: null, upTo: '2024-11-15T10:00:00.000' },
    watermark: { lastUpdated: '2024-11-15T10:00:00.000', id: 1 },
    object: { key: `raw/${table}/x`, parts: [`raw/${table}/x/part-00000.parquet`], rows: 1, bytes: 1 },
  });
}

const staff = (id: number, departmentId: number, lastUpdated = '2024-11-15T09:00:00.000'): Row => ({
  staff_id: id,
  first_name: `First${id}`,
  last_name: `Last${id}`,
  department_id: departmentId,
  email_address: `staff${id}@terrifictotes.com`,
  last_updated: lastUpdated,
});
const department = (id: number, name: string, lastUpdated = '2024-11-01T00:00:00.000'): Row => ({
  department_id: id,
  department_name: name,
  location: `Location${id}`,
  last_updated: lastUpdated,
});

/** The rows as the lake's column batch; a column the rows leave out reads as nulls, as an absent column does. */
function batchOf(columns: readonly LakeColumn[], rows: readonly Row[]): ColumnBatch {
  const batch = columnBatchOf(
    columns.map((column) => ({ ...column, nullable: true })),
    rows,
  );
  return {
    length: batch.length,
    columns: batch.columns.map((vector, index) => ({ ...vector, column: columns[index]! })),
  };
}

/** Ports over in-memory rows: the changed rows of the message, and the lake's current state per table. */
function fakePorts(changed: Row[][], current: Record<string, Row[]> = {}) {
  const written: { key: string; columns: string[]; rows: Row[] }[] = [];
  const published: ModelBuilt[] = [];
  const stateReads: { table: string; keep?: (row: Row) => boolean }[] = [];
  const calls: string[] = [];
  const columnsRead: string[][] = [];
  const ports: BuilderPorts = {
    readColumns(object, columns) {
      calls.push(`readColumns ${object.parts.join(',')}`);
      columnsRead.push(columns.map((column) => column.name));
      return (async function* () {
        for (const rows of changed) yield batchOf(columns, rows);
      })();
    },
    async readCurrentState(table, keep) {
      calls.push(`readCurrentState ${table.name}`);
      stateReads.push({ table: table.name, ...(keep ? { keep } : {}) });
      const rows = (current[table.name] ?? []).filter((row) => keep?.(row) ?? true);
      return new Map(rows.map((row) => [Number(row[table.primaryKey]), row]));
    },
    async writeColumns(key, columns, batches) {
      calls.push('writeColumns');
      const rows: Row[] = [];
      for await (const batch of batches) rows.push(...rowsOf(batch));
      written.push({ key, columns: columns.map((column) => column.name), rows });
      return {
        key,
        parts: [`${key}/part-00000.parquet`],
        rows: rows.length,
        bytes: 100,
      } satisfies LakeObject;
    },
    async publish(message) {
      calls.push('publish');
      published.push(message);
    },
  };
  return { ports, written, published, stateReads, calls, columnsRead };
}

const departments = [department(1, 'Sales'), department(2, 'Dispatch'), department(3, 'Finance')];

describe('buildDimension', () => {
  it('keeps a deleted staff member as a row marked _deleted_at, with the last known values and department', async () => {
    const message = extracted('staff');
    const tombstone = {
      ...staff(10, 2, '2024-12-01T08:00:00.000'),
      _deleted_at: '2024-12-01T08:00:00.000',
    };
    const fake = fakePorts([[tombstone]], { department: departments });

    await buildDimension(message, dimension('dim_staff'), fake.ports);

    expect(fake.columnsRead[0]).toContain('_deleted_at');
    expect(fake.written[0]?.rows).toEqual([
      {
        staff_id: 10,
        first_name: 'First10',
        last_name: 'Last10',
        department_name: 'Dispatch',
        location: 'Location2',
        email_address: 'staff10@terrifictotes.com',
        _source_version: '2024-12-01T08:00:00.000|2024-11-01T00:00:00.000',
        _deleted_at: '2024-12-01T08:00:00.000',
      },
    ]);
  });

  it('rebuilds no staff row when a department is deleted: its staff keep its last known name', async () => {
    const message = extracted('department');
    const deletedDepartment = {
      ...department(2, 'Dispatch', '2024-12-01T08:00:00.000'),
      _deleted_at: '2024-12-01T08:00:00.000',
    };
    const fake = fakePorts([[deletedDepartment]], { department: departments, staff: [staff(10, 2)] });

    await buildDimension(message, dimension('dim_staff'), fake.ports);

    expect(fake.written[0]?.rows).toEqual([]);
  });

  it('builds dim_staff rows for exactly the changed staff, joined with the current departments', async () => {
    const message = extracted('staff');
    const fake = fakePorts([[staff(10, 2), staff(11, 1)]], {
      department: departments,
      staff: [staff(12, 2)],
    });

    await buildDimension(message, dimension('dim_staff'), fake.ports);

    expect(fake.written).toEqual([
      {
        key: `processed/dim_staff/2024-11-15/${message.id}`,
        columns: [
          'staff_id',
          'first_name',
          'last_name',
          'department_name',
          'location',
          'email_address',
          '_source_version',
          '_deleted_at',
        ],
        rows: [
          {
            staff_id: 10,
            first_name: 'First10',
            last_name: 'Last10',
            department_name: 'Dispatch',
            location: 'Location2',
            email_address: 'staff10@terrifictotes.com',
            _source_version: '2024-11-15T09:00:00.000|2024-11-01T00:00:00.000',
            _deleted_at: null,
          },
          {
            staff_id: 11,
            first_name: 'First11',
            last_name: 'Last11',
            department_name: 'Sales',
            location: 'Location1',
            email_address: 'staff11@terrifictotes.com',
            _source_version: '2024-11-15T09:00:00.000|2024-11-01T00:00:00.000',
            _deleted_at: null,
          },
        ],
      },
    ]);
    expect(fake.stateReads.map((read) => read.table)).toEqual(['department']);
  });

  it('leaves out a changed staff member whose department the lake does not hold yet', async () => {
    const fake = fakePorts([[staff(10, 2), staff(11, 9)]], { department: departments });

    await buildDimension(extracted('staff'), dimension('dim_staff'), fake.ports);

    expect(fake.written[0]?.rows.map((row) => row.staff_id)).toEqual([10]);
  });

  it('rebuilds exactly the staff of a changed department, read from the current state', async () => {
    const renamed = department(2, 'Shipping', '2024-11-15T09:30:00.000');
    const fake = fakePorts([[renamed]], {
      department: [department(1, 'Sales'), renamed, department(3, 'Finance')],
      staff: [staff(10, 1), staff(11, 2), staff(12, 3), staff(13, 2)],
    });

    await buildDimension(extracted('department'), dimension('dim_staff'), fake.ports);

    expect(
      fake.written[0]?.rows.map((row) => [row.staff_id, row.department_name, row._source_version]),
    ).toEqual([
      [11, 'Shipping', '2024-11-15T09:00:00.000|2024-11-15T09:30:00.000'],
      [13, 'Shipping', '2024-11-15T09:00:00.000|2024-11-15T09:30:00.000'],
    ]);
    const staffRead = fake.stateReads.find((read) => read.table === 'staff');
    expect([staff(20, 2), staff(21, 1), staff(22, 3)].map((row) => staffRead?.keep?.(row))).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('announces the build, caused by the extraction, once the rows are written', async () => {
    const message = extracted('staff');
    const fake = fakePorts([[staff(10, 2)]], { department: departments });

    const built = await buildDimension(message, dimension('dim_staff'), fake.ports);

    expect(fake.calls.slice(-2)).toEqual(['writeColumns', 'publish']);
    expect(fake.published).toEqual([built]);
    expect(built).toMatchObject({
      type: 'model.built',
      model: 'dim_staff',
      kind: 'dimension',
      table: 'staff',
      runId: message.runId,
      causationId: message.id,
      object: { key: `processed/dim_staff/2024-11-15/${message.id}`, rows: 1 },
    });
  });

  it('builds one dim_date row per distinct date the changed orders reference, each date once across batches', async () => {
    const order = (id: number, created: string, payment: string, delivery: string): Row => ({
      sales_order_id: id,
      created_at: `${created}T09:00:00.000`,
      last_updated: `${created}T09:00:00.000`,
      agreed_payment_date: payment,
      agreed_delivery_date: delivery,
    });
    const fake = fakePorts([
      [
        order(1, '2024-11-15', '2024-11-22', '2024-11-20'),
        order(2, '2024-11-15', '2024-11-20', '2024-11-17'),
      ],
      [order(3, '2024-11-16', '2024-11-22', '2024-11-17')],
    ]);

    await buildDimension(extracted('sales_order'), dimension('dim_date'), fake.ports);

    const rows = fake.written[0]?.rows ?? [];
    expect(rows.map((row) => row.date_id)).toEqual([
      '2024-11-15',
      '2024-11-17',
      '2024-11-20',
      '2024-11-22',
      '2024-11-16',
    ]);
    expect(rows[1]).toEqual({
      date_id: '2024-11-17',
      year: 2024,
      month: 11,
      day: 17,
      day_of_week: 7,
      day_name: 'Sunday',
      month_name: 'November',
      quarter: 4,
    });
    expect(fake.stateReads).toEqual([]);
    // Only the columns the facts' dates come from are decoded, not the whole order.
    expect(fake.columnsRead).toEqual([
      ['created_at', 'agreed_delivery_date', 'agreed_payment_date', 'last_updated'],
    ]);
  });

  it.each([
    ['dim_staff', 'sales_order'],
    ['dim_date', 'staff'],
    ['dim_location', 'counterparty'],
    ['dim_staff', 'not_a_table'],
  ])(
    'refuses to build %s from a change to %s, permanently, before touching any port',
    async (model, table) => {
      const fake = fakePorts([]);

      const error = await buildDimension(extracted(table), dimension(model), fake.ports).catch(
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(NotADependencyError);
      expect(error).toMatchObject({
        permanent: true,
        code: 'NOT_A_DEPENDENCY',
        message: `${model} does not depend on table "${table}"`,
      });
      expect(fake.calls).toEqual([]);
    },
  );
});

import { findModel, type Row, type TableDimension } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { compareDimension } from './compare-dimension';
import { deriveDimensionRows, indexByKey } from './dimension-rows';
import { dimensionShapeOf } from './model-shapes';
import { batches } from './testing';
import { CheckName, DifferenceKind } from './types';

function dimension(name: string): TableDimension {
  const model = findModel(name);
  if (model?.kind !== 'dimension' || model.build !== 'table')
    throw new Error(`${name} is not a table dimension`);
  return model;
}

async function collect(rows: AsyncIterable<Row[]>): Promise<Row[]> {
  const all: Row[] = [];
  for await (const batch of rows) all.push(...batch);
  return all;
}

const dimDesign = dimension('dim_design');
const design = (design_id: number, design_name: string) => ({
  design_id,
  design_name,
  file_location: '/designs',
  file_name: `${design_name.toLowerCase()}.json`,
});

describe('compareDimension', () => {
  it('passes when the warehouse holds exactly the rows derived from the source', async () => {
    const rows = [design(1, 'Wool'), design(2, 'Suede')];

    const check = await compareDimension(dimDesign, batches(rows), batches(rows), 20);

    expect(check).toMatchObject({
      name: CheckName.dimensionRows,
      table: 'dim_design',
      ok: true,
      differenceCount: 0,
    });
    expect(check.summary).toBe('2 source rows, 2 warehouse rows');
  });

  it('reports one differing value with its key, its column and both values', async () => {
    const source = [design(1, 'Wool'), design(2, 'Suede')];
    const warehouse = [design(1, 'Wool'), { ...design(2, 'Suede'), design_name: 'Tampered' }];

    const check = await compareDimension(dimDesign, batches(source), batches(warehouse), 20);

    expect(check.ok).toBe(false);
    expect(check.differences).toEqual([
      {
        kind: DifferenceKind.value,
        key: { design_id: 2 },
        column: 'design_name',
        source: 'Suede',
        warehouse: 'Tampered',
      },
    ]);
  });

  it('reports a row the warehouse lacks as missing and a row the source lacks as extra', async () => {
    const source = [design(1, 'Wool'), design(2, 'Suede')];
    const warehouse = [design(2, 'Suede'), design(3, 'Canvas')];

    const check = await compareDimension(dimDesign, batches(source), batches(warehouse), 20);

    expect(check.differences).toEqual([
      { kind: DifferenceKind.missing, key: { design_id: 1 }, column: null, source: 'row', warehouse: null },
      { kind: DifferenceKind.extra, key: { design_id: 3 }, column: null, source: null, warehouse: 'row' },
    ]);
    expect(check.summary).toBe('2 source rows, 2 warehouse rows; differences: 1 missing, 1 extra');
  });

  it('reports a null in the warehouse where the source holds a value', async () => {
    const dimLocation = dimension('dim_location');
    const address = {
      location_id: 1,
      address_line_1: '1 High St',
      address_line_2: null,
      district: 'Avon',
      city: 'Bath',
      postal_code: 'BA1',
      country: 'UK',
      phone: '01225',
    };

    const check = await compareDimension(
      dimLocation,
      batches([address]),
      batches([{ ...address, district: null }]),
      20,
    );

    expect(check.differences).toEqual([
      {
        kind: DifferenceKind.value,
        key: { location_id: 1 },
        column: 'district',
        source: 'Avon',
        warehouse: null,
      },
    ]);
  });

  it('never compares the _source_version bookkeeping column', async () => {
    const source = [{ ...design(1, 'Wool'), _source_version: '2024-01-01T00:00:00.000' }];
    const warehouse = [{ ...design(1, 'Wool'), _source_version: '2020-01-01T00:00:00.000' }];

    const check = await compareDimension(dimDesign, batches(source), batches(warehouse), 20);

    expect(check.ok).toBe(true);
  });

  it('keeps at most sampleLimit differences as examples but counts them all', async () => {
    const source = [1, 2, 3, 4, 5].map((id) => design(id, 'Wool'));

    const check = await compareDimension(dimDesign, batches(source), batches([]), 2);

    expect(check.differences.map((difference) => difference.key)).toEqual([
      { design_id: 1 },
      { design_id: 2 },
    ]);
    expect(check.differenceCount).toBe(5);
  });
});

describe('deriveDimensionRows', () => {
  const dimStaff = dimension('dim_staff');
  const stamp = '2024-01-01T00:00:00.000';
  const staff = (staff_id: number, department_id: number) => ({
    staff_id,
    first_name: 'Ada',
    last_name: 'Lovelace',
    department_id,
    email_address: `ada${staff_id}@totes.example`,
    created_at: stamp,
    last_updated: stamp,
  });
  const departments = indexByKey(
    [
      {
        department_id: 1,
        department_name: 'Sales',
        location: 'Leeds',
        manager: 'M',
        created_at: stamp,
        last_updated: stamp,
      },
    ],
    'department_id',
  );

  it('joins each primary row to its partner by the foreign key, as the model says', async () => {
    const rows = await collect(
      deriveDimensionRows(
        dimensionShapeOf(dimStaff),
        batches([staff(7, 1)]),
        new Map([['department', departments]]),
      ),
    );

    expect(rows).toEqual([
      expect.objectContaining({
        staff_id: 7,
        department_name: 'Sales',
        location: 'Leeds',
        email_address: 'ada7@totes.example',
      }),
    ]);
  });

  it('drops a primary row whose inner-join partner is missing', async () => {
    const rows = await collect(
      deriveDimensionRows(
        dimensionShapeOf(dimStaff),
        batches([staff(7, 1), staff(8, 99)]),
        new Map([['department', departments]]),
      ),
    );

    expect(rows.map((row) => row.staff_id)).toEqual([7]);
  });
});

import type { LakeObject } from '@totes/contracts';
import { findSourceTable, type Row, type SourceTable } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { type LakeReader, readCurrentState } from './lake-state';

function table(name: string): SourceTable {
  const found = findSourceTable(name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
}

/** A lake of part files, each holding rows; `list` returns the keys in the order given. */
function fakeLake(parts: Record<string, Row[]>) {
  const listed: string[] = [];
  const read: string[][] = [];
  const lake: LakeReader = {
    async list(prefix) {
      listed.push(prefix);
      return Object.keys(parts).filter((key) => key.startsWith(prefix));
    },
    readDataset(object: Pick<LakeObject, 'parts'>) {
      read.push([...object.parts]);
      return (async function* () {
        for (const part of object.parts) yield parts[part] ?? [];
      })();
    },
  };
  return { lake, listed, read };
}

const dept = (id: number, name: string, lastUpdated: string): Row => ({
  department_id: id,
  department_name: name,
  last_updated: lastUpdated,
});
const staff = (id: number, departmentId: number, lastUpdated: string): Row => ({
  staff_id: id,
  department_id: departmentId,
  last_updated: lastUpdated,
});

describe('readCurrentState', () => {
  it('reads every Parquet part under the raw prefix of the table, and nothing else', async () => {
    const { lake, listed, read } = fakeLake({
      'raw/department/2024-11-15/a/part-00000.parquet': [],
      'raw/department/2024-11-15/a/_manifest.json': [],
      'raw/department/2024-11-16/b/part-00000.parquet': [],
      'raw/department_archive/x/part-00000.parquet': [],
    });

    await readCurrentState(lake, table('department'));

    expect(listed).toEqual(['raw/department/']);
    expect(read).toEqual([
      ['raw/department/2024-11-15/a/part-00000.parquet', 'raw/department/2024-11-16/b/part-00000.parquet'],
    ]);
  });

  it.each([
    ['newer part last', ['old', 'new']],
    ['newer part first', ['new', 'old']],
  ])('keeps the newest version of each row, with the %s', async (_order, order) => {
    const windows: Record<string, Row[]> = {
      old: [dept(1, 'Sales', '2024-11-01T00:00:00.000'), dept(2, 'Dispatch', '2024-11-01T00:00:00.000')],
      new: [dept(1, 'Sales & Marketing', '2024-11-15T09:30:00.000')],
    };
    const { lake } = fakeLake(
      Object.fromEntries(
        order.map((name) => [`raw/department/${name}/part-00000.parquet`, windows[name] ?? []]),
      ),
    );

    const state = await readCurrentState(lake, table('department'));

    expect([...state.entries()].sort(([a], [b]) => a - b)).toEqual([
      [1, dept(1, 'Sales & Marketing', '2024-11-15T09:30:00.000')],
      [2, dept(2, 'Dispatch', '2024-11-01T00:00:00.000')],
    ]);
  });

  it('keeps only the rows whose newest version the filter keeps', async () => {
    const { lake } = fakeLake({
      'raw/staff/a/part-00000.parquet': [
        staff(1, 2, '2024-11-01T00:00:00.000'),
        staff(2, 1, '2024-11-01T00:00:00.000'),
        staff(3, 2, '2024-11-01T00:00:00.000'),
      ],
    });

    const state = await readCurrentState(lake, table('staff'), (row) => row.department_id === 2);

    expect([...state.keys()].sort()).toEqual([1, 3]);
  });

  it.each([
    ['newer part last', ['old', 'new']],
    ['newer part first', ['new', 'old']],
  ])(
    'lets a newer version the filter drops remove an older one it kept, with the %s',
    async (_order, order) => {
      const windows: Record<string, Row[]> = {
        old: [staff(1, 2, '2024-11-01T00:00:00.000')],
        new: [staff(1, 3, '2024-11-15T00:00:00.000')],
      };
      const { lake } = fakeLake(
        Object.fromEntries(
          order.map((name) => [`raw/staff/${name}/part-00000.parquet`, windows[name] ?? []]),
        ),
      );

      const state = await readCurrentState(lake, table('staff'), (row) => row.department_id === 2);

      expect(state.size).toBe(0);
    },
  );

  it('gives an empty state for a table the lake holds nothing of', async () => {
    const { lake } = fakeLake({});

    expect((await readCurrentState(lake, table('design'))).size).toBe(0);
  });
});

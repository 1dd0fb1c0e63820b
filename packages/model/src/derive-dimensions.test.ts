import { describe, expect, it } from 'vitest';
import { wh } from './columns';
import { deriveDimensionRow, sourceVersionOf } from './derive';
import { findModel } from './graph';
import type { Row, TableDimension } from './types';

function dimension(name: string): TableDimension {
  const model = findModel(name);
  if (model?.kind !== 'dimension' || model.build !== 'table')
    throw new Error(`${name} is not a table dimension`);
  return model;
}

const staff = {
  staff_id: 4,
  created_at: '2024-01-01T00:00:00.000',
  first_name: 'Ada',
  last_name: 'Lovelace',
  department_id: 2,
  email_address: 'ada.lovelace@terrifictotes.com',
  last_updated: '2024-11-15T09:30:00.000',
};
const department = {
  department_id: 2,
  created_at: '2024-01-01T00:00:00.000',
  department_name: 'Dispatch',
  location: 'Leds',
  manager: 'Mirabelle Kuhlman',
  last_updated: '2024-11-10T08:00:00.000',
};
const counterparty = {
  counterparty_id: 3,
  created_at: '2024-01-01T00:00:00.000',
  counterparty_legal_name: 'Armstrong Inc',
  legal_address_id: 17,
  commercial_contact: 'Jane Wiza',
  delivery_contact: 'Myra Kovacek',
  last_updated: '2024-11-12T10:00:00.000',
};
const address = {
  address_id: 17,
  created_at: '2024-01-01T00:00:00.000',
  address_line_1: '179 Alexie Cliffs',
  address_line_2: null,
  district: null,
  city: 'Aliso Viejo',
  postal_code: '99305-7380',
  country: 'San Marino',
  phone: '9621 880720',
  last_updated: '2024-11-14T11:00:00.000',
};

describe('deriveDimensionRow', () => {
  it('builds a dim_staff row from a staff row and its department, with both versions', () => {
    expect(deriveDimensionRow(dimension('dim_staff'), { staff, department })).toStrictEqual({
      staff_id: 4,
      first_name: 'Ada',
      last_name: 'Lovelace',
      department_name: 'Dispatch',
      location: 'Leds',
      email_address: 'ada.lovelace@terrifictotes.com',
      _source_version: '2024-11-15T09:30:00.000|2024-11-10T08:00:00.000',
      _deleted_at: null,
    });
  });

  it('builds a dim_counterparty row from a counterparty and its legal address, keeping null lines', () => {
    expect(deriveDimensionRow(dimension('dim_counterparty'), { counterparty, address })).toStrictEqual({
      counterparty_id: 3,
      counterparty_legal_name: 'Armstrong Inc',
      counterparty_legal_address_line_1: '179 Alexie Cliffs',
      counterparty_legal_address_line_2: null,
      counterparty_legal_district: null,
      counterparty_legal_city: 'Aliso Viejo',
      counterparty_legal_postal_code: '99305-7380',
      counterparty_legal_country: 'San Marino',
      counterparty_legal_phone_number: '9621 880720',
      _source_version: '2024-11-12T10:00:00.000|2024-11-14T11:00:00.000',
      _deleted_at: null,
    });
  });

  it.each([
    ['dim_staff', { staff }],
    ['dim_counterparty', { counterparty }],
  ])('builds no %s row when the inner join finds no partner', (name, rows) => {
    expect(deriveDimensionRow(dimension(name), rows)).toBeNull();
  });

  it.each<[string, Record<string, Row>, Row]>([
    [
      'dim_location',
      { address },
      {
        location_id: 17,
        address_line_1: '179 Alexie Cliffs',
        address_line_2: null,
        district: null,
        city: 'Aliso Viejo',
        postal_code: '99305-7380',
        country: 'San Marino',
        phone: '9621 880720',
        _source_version: '2024-11-14T11:00:00.000',
        _deleted_at: null,
      },
    ],
    [
      'dim_design',
      {
        design: {
          design_id: 8,
          design_name: 'Wooden',
          file_location: '/usr',
          file_name: 'wooden-20220717-npgz.json',
          last_updated: '2024-11-01T00:00:00.000',
        },
      },
      {
        design_id: 8,
        design_name: 'Wooden',
        file_location: '/usr',
        file_name: 'wooden-20220717-npgz.json',
        _source_version: '2024-11-01T00:00:00.000',
        _deleted_at: null,
      },
    ],
    [
      'dim_currency',
      { currency: { currency_id: 1, currency_code: 'GBP', last_updated: '2024-11-01T00:00:00.000' } },
      {
        currency_id: 1,
        currency_code: 'GBP',
        currency_name: 'Pound Sterling',
        _source_version: '2024-11-01T00:00:00.000',
        _deleted_at: null,
      },
    ],
    [
      'dim_payment_type',
      {
        payment_type: {
          payment_type_id: 3,
          payment_type_name: 'PURCHASE_PAYMENT',
          last_updated: '2024-11-01T00:00:00.000',
        },
      },
      {
        payment_type_id: 3,
        payment_type_name: 'PURCHASE_PAYMENT',
        _source_version: '2024-11-01T00:00:00.000',
        _deleted_at: null,
      },
    ],
    [
      'dim_transaction',
      {
        transaction: {
          transaction_id: 5,
          transaction_type: 'SALE',
          sales_order_id: 5,
          purchase_order_id: null,
          last_updated: '2024-11-01T00:00:00.000',
        },
      },
      {
        transaction_id: 5,
        transaction_type: 'SALE',
        sales_order_id: 5,
        purchase_order_id: null,
        _source_version: '2024-11-01T00:00:00.000',
        _deleted_at: null,
      },
    ],
  ])('builds a %s row from its one source row', (name, rows, expected) => {
    expect(deriveDimensionRow(dimension(name), rows)).toStrictEqual(expected);
  });

  it('keeps a primary row whose left-joined partner is missing, with nulls and the oldest version', () => {
    const leftJoined: TableDimension = {
      name: 'dim_staff_left',
      kind: 'dimension',
      build: 'table',
      description: 'Staff, department optional.',
      primaryTable: 'staff',
      joins: [{ table: 'department', foreignKey: 'department_id', type: 'left' }],
      key: 'staff_id',
      columns: [
        wh.int('staff_id', 'staff.staff_id', 'The staff member.'),
        wh.text('department_name', 'department.department_name', 'Department.', { nullable: true }),
      ],
    };

    expect(deriveDimensionRow(leftJoined, { staff })).toStrictEqual({
      staff_id: 4,
      department_name: null,
      _source_version: '2024-11-15T09:30:00.000|0000-01-01T00:00:00.000',
      _deleted_at: null,
    });
  });
});

describe('sourceVersionOf', () => {
  const dimStaff = dimension('dim_staff');
  const version = (staffUpdated: string, departmentUpdated: string) =>
    sourceVersionOf(dimStaff, {
      staff: { ...staff, last_updated: staffUpdated },
      department: { ...department, last_updated: departmentUpdated },
    });

  it('orders a newer primary row above a newer partner row (compared as text, primary first)', () => {
    const newerStaff = version('2024-11-16T00:00:00.000', '2024-01-01T00:00:00.000');
    const newerDepartment = version('2024-11-15T00:00:00.000', '2024-12-31T00:00:00.000');

    expect(newerStaff > newerDepartment).toBe(true);
  });

  it('orders by the partner when the primary versions are equal', () => {
    const older = version('2024-11-15T00:00:00.000', '2024-11-01T00:00:00.000');
    const newer = version('2024-11-15T00:00:00.000', '2024-11-01T00:00:00.001');

    expect(older < newer).toBe(true);
  });

  it('gives equal versions for rows built from the same source versions', () => {
    expect(version('2024-11-15T00:00:00.000', '2024-11-01T00:00:00.000')).toBe(
      '2024-11-15T00:00:00.000|2024-11-01T00:00:00.000',
    );
  });
});

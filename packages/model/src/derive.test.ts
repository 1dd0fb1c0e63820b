import { describe, expect, it } from 'vitest';
import { datesReferenced, deriveCalendarRow, deriveValue, processedColumnsOf } from './derive';
import { ModelError, ModelErrorCode } from './errors';
import { factModels, findModel } from './graph';
import type { CalendarDimension, Derivation } from './types';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

const stamped = { sales_order: { created_at: '2024-11-15T09:30:05.007', agreed_payment_date: '2024-02-29' } };

describe('deriveValue', () => {
  it.each<[string, Derivation, unknown]>([
    ['copies a value as it is', { kind: 'copy', from: 'sales_order.created_at' }, '2024-11-15T09:30:05.007'],
    [
      'takes the date part of a timestamp',
      { kind: 'datePart', from: 'sales_order.created_at' },
      '2024-11-15',
    ],
    [
      'takes the time part of a timestamp with milliseconds',
      { kind: 'timePart', from: 'sales_order.created_at' },
      '09:30:05.007',
    ],
    ['parses a real leap day', { kind: 'parseDate', from: 'sales_order.agreed_payment_date' }, '2024-02-29'],
  ])('%s', (_behaviour, derive, expected) => {
    expect(deriveValue(derive, stamped)).toBe(expected);
  });

  it('copies false and zero instead of treating them as missing', () => {
    const rows = { payment: { paid: false, payment_amount: 0 } };

    expect(deriveValue({ kind: 'copy', from: 'payment.paid' }, rows)).toBe(false);
    expect(deriveValue({ kind: 'copy', from: 'payment.payment_amount' }, rows)).toBe(0);
  });

  it.each<Derivation['kind']>(['copy', 'datePart', 'timePart', 'parseDate', 'currencyName'])(
    'gives null for a %s of a null value or of a table without a row',
    (kind) => {
      const derive = { kind, from: 'address.district' } as Derivation;

      expect(deriveValue(derive, { address: { district: null } })).toBeNull();
      expect(deriveValue(derive, {})).toBeNull();
    },
  );

  it.each([
    ['GBP', 'Pound Sterling'],
    ['USD', 'US Dollar'],
    ['EUR', 'Euro'],
    ['eur', 'Euro'],
    ['XYZ', 'XYZ'],
  ])('names currency %s as %s (an unknown code keeps its code)', (code, name) => {
    expect(
      deriveValue(
        { kind: 'currencyName', from: 'currency.currency_code' },
        { currency: { currency_code: code } },
      ),
    ).toBe(name);
  });

  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-1-05', 'tomorrow', '15/11/2024', ''])(
    'refuses the agreed date "%s" with an INVALID_VALUE error naming the column',
    (text) => {
      const derive: Derivation = { kind: 'parseDate', from: 'sales_order.agreed_delivery_date' };

      const attempt = () => deriveValue(derive, { sales_order: { agreed_delivery_date: text } });

      expect(attempt).toThrow(
        `sales_order.agreed_delivery_date holds "${text}", which is not a YYYY-MM-DD date`,
      );
      expect(thrownBy(attempt)).toBeInstanceOf(ModelError);
      expect(thrownBy(attempt)).toMatchObject({ code: ModelErrorCode.invalidValue });
    },
  );

  it('refuses to derive a calendar part from source rows', () => {
    expect(() => deriveValue({ kind: 'calendar', part: 'year' }, stamped)).toThrow(ModelError);
  });
});

describe('deriveCalendarRow', () => {
  const dimDate = findModel('dim_date') as CalendarDimension;

  it('describes a known Sunday with ISO day 7, its month name and quarter', () => {
    expect(deriveCalendarRow(dimDate, '2024-11-17')).toEqual({
      date_id: '2024-11-17',
      year: 2024,
      month: 11,
      day: 17,
      day_of_week: 7,
      day_name: 'Sunday',
      month_name: 'November',
      quarter: 4,
    });
  });

  it.each([
    ['2024-01-01', 1, 'Monday', 'January', 1],
    ['2024-02-29', 4, 'Thursday', 'February', 1],
    ['2024-03-31', 7, 'Sunday', 'March', 1],
    ['2024-04-01', 1, 'Monday', 'April', 2],
    ['2024-06-30', 7, 'Sunday', 'June', 2],
    ['2024-07-01', 1, 'Monday', 'July', 3],
    ['2024-09-30', 1, 'Monday', 'September', 3],
    ['2024-10-01', 2, 'Tuesday', 'October', 4],
    ['2024-12-31', 2, 'Tuesday', 'December', 4],
  ])('gives %s ISO day %i (%s), month %s, quarter %i', (date, dayOfWeek, dayName, monthName, quarter) => {
    expect(deriveCalendarRow(dimDate, date)).toMatchObject({
      day_of_week: dayOfWeek,
      day_name: dayName,
      month_name: monthName,
      quarter,
    });
  });
});

describe('datesReferenced', () => {
  it('lists each distinct date that the sales fact of a sales order references', () => {
    const order = {
      created_at: '2024-11-15T09:30:00.000',
      last_updated: '2024-11-15T17:00:00.000',
      agreed_payment_date: '2024-11-22',
      agreed_delivery_date: '2024-11-20',
    };

    expect(datesReferenced(factModels, 'sales_order', order).sort()).toEqual([
      '2024-11-15',
      '2024-11-20',
      '2024-11-22',
    ]);
  });

  it('lists the created, updated and payment dates of a payment', () => {
    const payment = {
      created_at: '2024-11-01T08:00:00.000',
      last_updated: '2024-11-03T08:00:00.000',
      payment_date: '2024-11-05',
    };

    expect(datesReferenced(factModels, 'payment', payment).sort()).toEqual([
      '2024-11-01',
      '2024-11-03',
      '2024-11-05',
    ]);
  });

  it('lists nothing for a table that no fact is built from', () => {
    expect(datesReferenced(factModels, 'staff', { created_at: '2024-11-01T08:00:00.000' })).toEqual([]);
  });
});

describe('processedColumnsOf', () => {
  it.each([
    ['dim_currency', ['currency_id', 'currency_code', 'currency_name', '_source_version', '_deleted_at']],
    ['dim_date', ['date_id', 'year', 'month', 'day', 'day_of_week', 'day_name', 'month_name', 'quarter']],
    [
      'fact_payment',
      [
        'payment_id',
        'created_date',
        'created_time',
        'last_updated_date',
        'last_updated_time',
        'transaction_id',
        'counterparty_id',
        'payment_amount',
        'currency_id',
        'payment_type_id',
        'paid',
        'payment_date',
        '_deleted_at',
      ],
    ],
  ])(
    'gives %s its warehouse columns, plus the source version for a table dimension and _deleted_at for a model built from a table',
    (name, columns) => {
      const model = findModel(name);
      if (!model) throw new Error(`no model ${name}`);

      expect(processedColumnsOf(model).map((column) => column.name)).toEqual(columns);
    },
  );

  it('keeps the precision and scale of a decimal column, so the lake stores DECIMAL(p,s)', () => {
    const model = findModel('fact_payment');
    if (!model) throw new Error('no model fact_payment');

    const amount = processedColumnsOf(model).find((column) => column.name === 'payment_amount');

    expect(amount).toEqual({
      name: 'payment_amount',
      lake: 'decimal',
      nullable: false,
      decimal: { precision: 10, scale: 2 },
    });
  });
});

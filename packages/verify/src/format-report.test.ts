import { describe, expect, it } from 'vitest';
import { formatReport } from './format-report';
import { CheckName, type CheckResult, DifferenceKind, type VerifyReport } from './types';

const passed: CheckResult = {
  name: CheckName.dimensionRows,
  table: 'dim_staff',
  ok: true,
  summary: '20 source rows, 20 warehouse rows',
  differences: [],
  differenceCount: 0,
};

const failed: CheckResult = {
  name: CheckName.factVersions,
  table: 'fact_sales_order',
  ok: false,
  summary: '224 source rows; differences: 1 value, 1 missing',
  differences: [
    {
      kind: DifferenceKind.value,
      key: { sales_order_id: 7 },
      column: 'units_sold',
      source: 10,
      warehouse: 11,
    },
    {
      kind: DifferenceKind.missing,
      key: { sales_order_id: 12 },
      column: null,
      source: '2024-01-03 11:00:00.000',
      warehouse: null,
    },
  ],
  differenceCount: 5,
};

describe('formatReport', () => {
  it('prints one aligned ✓ line per passed check and the verdict', () => {
    const report: VerifyReport = { ok: true, checks: [passed, { ...passed, table: 'dim_design' }] };

    expect(formatReport(report)).toBe(
      [
        '✓ dim_staff   dimension rows  20 source rows, 20 warehouse rows',
        '✓ dim_design  dimension rows  20 source rows, 20 warehouse rows',
        '',
        '✓ all 2 checks passed',
      ].join('\n'),
    );
  });

  it('puts an aligned table of the first differences under a failed check, and says how many more there are', () => {
    const report: VerifyReport = { ok: false, checks: [passed, failed] };

    expect(formatReport(report)).toBe(
      [
        '✓ dim_staff         dimension rows  20 source rows, 20 warehouse rows',
        '✗ fact_sales_order  fact versions   224 source rows; differences: 1 value, 1 missing',
        '    kind     key                column      source                   warehouse',
        '    value    sales_order_id=7   units_sold  10                       11',
        '    missing  sales_order_id=12              2024-01-03 11:00:00.000  —',
        '    … and 3 more',
        '',
        '✗ 1 of 2 checks failed',
      ].join('\n'),
    );
  });

  it('tells SQL NULL, an empty string and an absent row apart', () => {
    const check: CheckResult = {
      ...failed,
      differences: [
        {
          kind: DifferenceKind.value,
          key: { location_id: 1 },
          column: 'district',
          source: 'Avon',
          warehouse: null,
        },
        {
          kind: DifferenceKind.value,
          key: { location_id: 2 },
          column: 'district',
          source: '',
          warehouse: ' Avon',
        },
        { kind: DifferenceKind.extra, key: { location_id: 3 }, column: null, source: null, warehouse: 'row' },
      ],
      differenceCount: 3,
    };

    const lines = formatReport({ ok: false, checks: [check] }).split('\n');

    expect(lines[2]).toMatch(/location_id=1 +district +Avon +NULL$/);
    expect(lines[3]).toMatch(/location_id=2 +district +"" +" Avon"$/);
    expect(lines[4]).toMatch(/location_id=3 +— +row$/);
  });
});

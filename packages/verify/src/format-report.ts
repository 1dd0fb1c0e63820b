import type { LakeValue } from '@totes/model';
import { type CheckResult, type Difference, DifferenceKind, type VerifyReport } from './types';

/** The marks that start each line of a report. */
export const ReportMark = { passed: '✓', failed: '✗' } as const;

/** Values longer than this are cut, so one long value cannot push a table off the screen; keys never are. */
const maxCellWidth = 48;

function cell(text: string): string {
  return text.length > maxCellWidth ? `${text.slice(0, maxCellWidth - 1)}…` : text;
}

/** A value as a person reads it: text as is (quoted when empty or edged with spaces), SQL NULL as `NULL`. */
export function formatValue(value: LakeValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string')
    return value === '' || value.trim() !== value ? JSON.stringify(value) : value;
  return String(value);
}

/** `design_id=2`, `sales_order_id=7 last_updated_date=2024-11-16`; `(table)` for a whole table. */
export function formatKey(key: Difference['key']): string {
  const parts = Object.entries(key).map(([column, value]) => `${column}=${formatValue(value)}`);
  return parts.length > 0 ? parts.join(' ') : '(table)';
}

/** One side of a difference; a side that has no such row shows `—`. */
function formatSide(difference: Difference, value: LakeValue): string {
  const absentWhenNull =
    difference.kind !== DifferenceKind.value && difference.kind !== DifferenceKind.aggregate;
  return value === null && absentWhenNull ? '—' : formatValue(value);
}

/** Left-aligned columns, two spaces apart, without trailing spaces. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((text, index) => {
      widths[index] = Math.max(widths[index] ?? 0, text.length);
    });
  }
  return rows.map((row) =>
    row
      .map((text, index) => text.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** The first differences of a check as a small aligned table, with how many more there are. */
export function formatDifferences(check: CheckResult): string[] {
  if (check.differences.length === 0) {
    return check.differenceCount > 0 ? [`(${check.differenceCount} differences, none kept as examples)`] : [];
  }
  const rows = check.differences.map((difference) => [
    difference.kind,
    formatKey(difference.key),
    cell(difference.column ?? ''),
    cell(formatSide(difference, difference.source)),
    cell(formatSide(difference, difference.warehouse)),
  ]);
  const lines = alignColumns([['kind', 'key', 'column', 'source', 'warehouse'], ...rows]);
  const more = check.differenceCount - check.differences.length;
  if (more > 0) lines.push(`… and ${more} more`);
  return lines;
}

/**
 * The report as a person scans it: what the warehouse was compared with, then one line per check with ✓ or ✗, the table, the check and its summary; under
 * each failed check, a small aligned table of its first differences; last, the verdict.
 */
export function formatReport(report: VerifyReport): string {
  const tableWidth = Math.max(0, ...report.checks.map((check) => check.table.length));
  const nameWidth = Math.max(0, ...report.checks.map((check) => check.name.length));
  const lines: string[] = report.source ? [`compared with ${report.source}`] : [];
  report.checks.forEach((check) => {
    const mark = check.ok ? ReportMark.passed : ReportMark.failed;
    lines.push(
      `${mark} ${check.table.padEnd(tableWidth)}  ${check.name.padEnd(nameWidth)}  ${check.summary}`,
    );
    if (!check.ok) lines.push(...formatDifferences(check).map((line) => `    ${line}`));
  });
  const failed = report.checks.filter((check) => !check.ok).length;
  lines.push(
    '',
    failed === 0
      ? `${ReportMark.passed} all ${report.checks.length} checks passed`
      : `${ReportMark.failed} ${failed} of ${report.checks.length} checks failed`,
  );
  return lines.join('\n');
}

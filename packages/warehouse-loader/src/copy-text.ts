import type { LakeValue, Row, WarehouseColumn } from '@totes/model';

/** One value in COPY's text format: `\N` for null, with backslash, tab and line breaks escaped. */
export function copyValue(value: LakeValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return String(value).replace(/[\\\t\n\r]/g, (character) => copyEscapes[character] ?? character);
}

const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Rows as COPY text lines, in the order of `columns`. */
export function copyLines(columns: readonly Pick<WarehouseColumn, 'name'>[], rows: readonly Row[]): string {
  let text = '';
  for (const row of rows) {
    text += `${columns.map((column) => copyValue(row[column.name] ?? null)).join('\t')}\n`;
  }
  return text;
}

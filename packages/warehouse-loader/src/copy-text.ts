import type { LakeValue, Row, WarehouseColumn } from '@totes/model';

/** One value in COPY's text format: `\N` for null, with backslash, tab and line breaks escaped. */
export function copyValue(value: LakeValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return needsEscape.test(value)
    ? value.replace(escapable, (character) => copyEscapes[character] ?? character)
    : value;
}

const needsEscape = /[\\\t\n\r]/;
const escapable = /[\\\t\n\r]/g;

const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Rows as COPY text lines, in the order of `columns`. */
export function copyLines(columns: readonly Pick<WarehouseColumn, 'name'>[], rows: readonly Row[]): string {
  const names = columns.map((column) => column.name);
  let text = '';
  for (const row of rows) {
    let line = '';
    for (let index = 0; index < names.length; index++) {
      if (index > 0) line += '\t';
      line += copyValue(row[names[index] as string] ?? null);
    }
    text += `${line}\n`;
  }
  return text;
}

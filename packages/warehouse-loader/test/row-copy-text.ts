import type { LakeColumn, LakeValue, Row } from '@totes/model';

// The COPY text the loader wrote from row objects before it read columns (the removed copy-text.ts): the reference
// that what the loader now sends must equal, value for value.
function rowCopyValue(value: LakeValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
  return value.replace(/[\\\t\n\r]/g, (character) => escapes[character] ?? character);
}

/** Rows as COPY text lines, in the order of `columns`, a missing value as null. */
export function rowCopyText(columns: readonly Pick<LakeColumn, 'name'>[], rows: readonly Row[]): string {
  return rows
    .map((row) => `${columns.map((column) => rowCopyValue(row[column.name] ?? null)).join('\t')}\n`)
    .join('');
}

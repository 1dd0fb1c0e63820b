/** Small Markdown helpers for the generated model docs. */

/** Inline code. */
export function code(text: string): string {
  return `\`${text}\``;
}

/** Inline code for each value, comma separated; `—` for none. */
export function codeList(values: readonly string[]): string {
  return values.length > 0 ? values.map(code).join(', ') : '—';
}

/** A link to a heading of this document that reads as inline code. */
export function codeLink(text: string, anchor: string = text): string {
  return `[${code(text)}](#${anchor})`;
}

/** A table cell: `|` escaped so it never splits the cell, line breaks folded into spaces. */
export function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ');
}

/** Column alignment of a {@link markdownTable}. */
export const Align = { left: 'left', center: 'center', right: 'right' } as const;
export type Align = (typeof Align)[keyof typeof Align];

const alignRule: Readonly<Record<Align, string>> = { left: '---', center: ':---:', right: '---:' };

/** A GitHub-flavoured Markdown table; every cell is escaped. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `| ${header.map((_, index) => alignRule[align[index] ?? Align.left]).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replaceAll(/[^a-z0-9 _-]/g, '')
    .replaceAll(' ', '-');
}

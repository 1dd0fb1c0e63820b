/** Markup that is already safe: built by {@link html} or rendered by Plot, never from a raw string. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Interpolated = SafeHtml | string | number | boolean | null | undefined | readonly Interpolated[];

/** Escapes text for an element's content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * A template of markup: every interpolated value is escaped unless it is {@link SafeHtml}; arrays are joined;
 * null, undefined and false render nothing. Data from the warehouse (a design's name) can never become markup.
 */
export function html(strings: TemplateStringsArray, ...values: readonly Interpolated[]): SafeHtml {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(text);
}

/** Markup trusted as it is: only for what this package generated (an SVG from Plot). */
export function trusted(text: string): SafeHtml {
  return new SafeHtml(text);
}

function render(value: Interpolated): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

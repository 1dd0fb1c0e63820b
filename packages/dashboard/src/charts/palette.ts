/** The colours of categories (currencies, paid or unpaid), in order: Plot's "observable10" scheme. */
const colours = [
  '#4269d0',
  '#efb118',
  '#ff725c',
  '#6cc5b0',
  '#3ca951',
  '#ff8ab7',
  '#a463f2',
  '#97bbf5',
  '#9c6b4e',
  '#9498a0',
] as const;

/** A colour scale over these categories, the same for every chart on a page. */
export interface Palette {
  readonly domain: readonly string[];
  readonly range: readonly string[];
  colourOf(category: string): string;
}

/** Colours for the categories in the order given (the currencies, sorted): each keeps its colour on every chart. */
export function paletteOf(categories: readonly string[]): Palette {
  const domain = [...new Set(categories)];
  const range = domain.map((_, index) => colours[index % colours.length] ?? '#9498a0');
  return {
    domain,
    range,
    colourOf: (category) => range[domain.indexOf(category)] ?? '#9498a0',
  };
}

/** Paid is green, unpaid orange, on every payments chart. */
export const paidPalette = {
  domain: ['paid', 'unpaid'],
  range: ['#3ca951', '#ff725c'],
} as const;

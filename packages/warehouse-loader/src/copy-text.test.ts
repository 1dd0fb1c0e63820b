import { describe, expect, it } from 'vitest';
import { copyLines, copyValue } from './copy-text';

describe('copyValue', () => {
  it.each([
    ['null as \\N', null, '\\N'],
    ['true as t', true, 't'],
    ['false as f', false, 'f'],
    ['a number as its digits', 42, '42'],
    ['zero as 0, not null', 0, '0'],
    ['a decimal text unchanged', '12.30', '12.30'],
    ['an empty text as empty, not null', '', ''],
    ['a tab as \\t', 'a\tb', 'a\\tb'],
    ['a newline as \\n', 'a\nb', 'a\\nb'],
    ['a carriage return as \\r', 'a\rb', 'a\\rb'],
    ['a backslash doubled', 'C:\\totes', 'C:\\\\totes'],
    ['the text \\N so that it is not read as null', '\\N', '\\\\N'],
    ['quotes and commas unchanged', `O'Hara, "Ltd"`, `O'Hara, "Ltd"`],
  ])('writes %s', (_behaviour, value, text) => {
    expect(copyValue(value)).toBe(text);
  });
});

describe('copyLines', () => {
  it('writes one tab-separated line per row, in the order of the columns, a missing value as null', () => {
    const columns = [{ name: 'id' }, { name: 'name' }, { name: 'district' }];

    const text = copyLines(columns, [
      { name: 'Leeds\tNorth', id: 1, district: null },
      { id: 2, name: 'York' },
    ]);

    expect(text).toBe('1\tLeeds\\tNorth\t\\N\n2\tYork\t\\N\n');
  });

  it('writes nothing for no rows', () => {
    expect(copyLines([{ name: 'id' }], [])).toBe('');
  });
});

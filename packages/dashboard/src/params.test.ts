import { describe, expect, it } from 'vitest';
import { BadParameterError } from './errors';
import { defaultParams, paramsQuery, parseParams } from './params';

const parse = (query: string) => parseParams(new URLSearchParams(query));

function reasonsOf(query: string): readonly string[] {
  try {
    parse(query);
  } catch (error) {
    if (error instanceof BadParameterError) return error.reasons;
    throw error;
  }
  throw new Error(`"${query}" was accepted`);
}

describe('the shared controls of every page', () => {
  it('default to all time, every currency side by side, by month, the top 10', () => {
    expect(parse('')).toEqual({ currency: 'all', grain: 'month', top: 10 });
  });

  it('accept a date range, a currency, a grain and a top N', () => {
    expect(parse('from=2024-01-01&to=2024-01-31&currency=GBP&grain=week&top=5')).toEqual({
      from: '2024-01-01',
      to: '2024-01-31',
      currency: 'GBP',
      grain: 'week',
      top: 5,
    });
  });

  it('treat an empty field, as a form submits it, as not set', () => {
    expect(parse('from=&to=&currency=all')).toEqual(defaultParams);
  });

  it('refuse a day that does not exist, naming the parameter and the value', () => {
    expect(reasonsOf('from=2024-02-30')).toEqual(['from: must be a day as YYYY-MM-DD (got "2024-02-30")']);
    expect(reasonsOf('to=yesterday')).toEqual(['to: must be a day as YYYY-MM-DD (got "yesterday")']);
  });

  it('refuse a range that ends before it starts', () => {
    expect(reasonsOf('from=2024-03-01&to=2024-02-01')).toEqual([
      'from: must be on or before to (got "2024-03-01")',
    ]);
  });

  it('refuse a currency that is not an ISO code', () => {
    expect(reasonsOf('currency=gbp')[0]).toMatch(/^currency: must be a three-letter ISO 4217 code or "all"/);
    expect(reasonsOf("currency=GBP' OR 1=1")[0]).toMatch(/^currency:/);
  });

  it('refuse a top N outside 1 to 50, or not a whole number', () => {
    for (const top of ['0', '51', '2.5', 'ten'])
      expect(reasonsOf(`top=${top}`)).toEqual([`top: must be a whole number from 1 to 50 (got "${top}")`]);
  });

  it('refuse an unknown grain, an unknown parameter and a repeated one, all at once', () => {
    expect(reasonsOf('grain=year&sql=SELECT&top=1&top=2')).toEqual([
      'top: given more than once',
      'grain: must be one of day, week, month (got "year")',
      'unknown parameter(s): sql',
    ]);
  });

  it('give back a query string that parses to the same parameters, defaults left out', () => {
    const params = parse('currency=USD&from=2024-01-01&top=10');

    expect(paramsQuery(params)).toBe('from=2024-01-01&currency=USD');
    expect(parse(paramsQuery(params))).toEqual(params);
    expect(paramsQuery(defaultParams)).toBe('');
  });
});

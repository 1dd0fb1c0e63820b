import { describe, expect, it } from 'vitest';
import { defaultParams } from '../params';
import { compileSql, valuesOf } from './placeholders';

describe('named placeholders', () => {
  it('become positions in order of first use, one per name however often it appears', () => {
    const compiled = compileSql(
      'WHERE ($from::date IS NULL OR d >= $from::date) AND c = $currency LIMIT $top',
    );

    expect(compiled).toEqual({
      text: 'WHERE ($1::date IS NULL OR d >= $1::date) AND c = $2 LIMIT $3',
      params: ['from', 'currency', 'top'],
    });
  });

  it('leave anything that is not one of the five names alone', () => {
    expect(compileSql("SELECT '$fromage', $1, $tops").params).toEqual([]);
  });

  it('take their values from the checked parameters: every currency and an open range are null', () => {
    const compiled = compileSql('$currency $from $to $grain $top');

    expect(valuesOf(compiled, defaultParams)).toEqual([null, null, null, 'month', 10]);
    expect(valuesOf(compiled, { ...defaultParams, currency: 'EUR', from: '2024-01-01' })).toEqual([
      'EUR',
      '2024-01-01',
      null,
      'month',
      10,
    ]);
  });
});

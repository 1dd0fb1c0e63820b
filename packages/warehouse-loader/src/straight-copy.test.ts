import { type FactModel, factModels, findModel } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { copiesStraight } from './straight-copy';

describe('copiesStraight', () => {
  it.each(factModels.map((fact) => [fact.name, fact] as const))(
    'copies %s straight: each of its columns takes the binary input of its staged type',
    (_name, fact) => {
      expect(copiesStraight(fact)).toBe(true);
    },
  );

  it('stages a fact with a column whose binary input differs from its staged type', () => {
    const [fact] = factModels as [FactModel];
    const widened: FactModel = {
      ...fact,
      columns: fact.columns.map((column, index) => (index === 0 ? { ...column, sql: 'bigint' } : column)),
    };

    expect(copiesStraight(widened)).toBe(false);
  });

  it('copies dim_transaction straight: its rows are inserted as staged when its keys are new', () => {
    expect(copiesStraight(findModel('dim_transaction')!)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { isLakeWrite } from './lake-write-proxy';

describe('isLakeWrite', () => {
  it.each([
    ['PUT', '/totes-soak-lake/raw/staff/2026-01-01/w/part-00000.parquet', true],
    ['DELETE', '/totes-soak-lake/raw/staff/2026-01-01/w/part-00001.parquet', true],
    ['POST', '/totes-soak-lake/raw/big/part-00000.parquet?uploads', true],
    ['GET', '/totes-soak-lake/raw/staff/2026-01-01/w/part-00000.parquet', false],
    ['GET', '/totes-soak-lake?list-type=2&prefix=raw%2F', false],
    ['POST', '/', false],
    ['PUT', '/totes-soak-lake', false],
  ])('%s %s is a lake write: %s', (method, path, expected) => {
    expect(isLakeWrite(method, path)).toBe(expected);
  });
});

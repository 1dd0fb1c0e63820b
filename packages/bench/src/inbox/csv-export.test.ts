import { describe, expect, it } from 'vitest';
import { csvChunks, csvValue } from './csv-export';

describe('csvValue', () => {
  it('writes a value as COPY … (FORMAT csv) does: NULL as nothing, t/f, and quotes only where needed', () => {
    expect([null, true, false, 42, '3.94', '2024-01-02 03:04:05.600'].map(csvValue)).toEqual([
      '',
      't',
      'f',
      '42',
      '3.94',
      '2024-01-02 03:04:05.600',
    ]);
  });

  it('quotes the empty string, \\., and a value holding a comma, a quote or a line break, doubling its quotes', () => {
    expect(['', '\\.', 'a,b', 'say "hi"', 'two\nlines', 'cr\r'].map(csvValue)).toEqual([
      '""',
      '"\\."',
      '"a,b"',
      '"say ""hi"""',
      '"two\nlines"',
      '"cr\r"',
    ]);
  });
});

describe('csvChunks', () => {
  it('writes the header, then one line per row in the catalog column order, in chunks of the size asked', () => {
    const row = {
      department_id: 1,
      department_name: 'Sales, EMEA',
      location: null,
      manager: 'Ann',
      created_at: '2022-11-03 14:20:49.962',
      last_updated: '2022-11-03 14:20:49.962',
    };

    const chunks = [...csvChunks('department', [row, { ...row, department_id: 2 }], 1)];

    expect(chunks).toEqual([
      'department_id,department_name,location,manager,created_at,last_updated\n',
      '1,"Sales, EMEA",,Ann,2022-11-03 14:20:49.962,2022-11-03 14:20:49.962\n',
      '2,"Sales, EMEA",,Ann,2022-11-03 14:20:49.962,2022-11-03 14:20:49.962\n',
    ]);
  });
});

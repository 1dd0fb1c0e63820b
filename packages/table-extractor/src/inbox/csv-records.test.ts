import { describe, expect, it } from 'vitest';
import { InboxFileProblemError } from '../errors';
import { type CsvRecord, readCsvRecords } from './csv-records';

async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
}

async function recordsOf(...parts: (string | Uint8Array)[]): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const batch of readCsvRecords(chunksOf(...parts))) records.push(...batch);
  return records;
}

const fieldsOf = async (...parts: (string | Uint8Array)[]) =>
  (await recordsOf(...parts)).map((record) => record.fields);

describe('readCsvRecords', () => {
  it('reads an unquoted empty field as NULL and a quoted empty field as the empty string, as COPY writes them', async () => {
    expect(await fieldsOf('a,b,c\n1,,""\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', null, ''],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside a quoted field, and numbers records by their first line', async () => {
    const records = await recordsOf('id,text\n1,"a, ""b""\nc"\n2,d\n');

    expect(records).toEqual([
      { line: 1, fields: ['id', 'text'] },
      { line: 2, fields: ['1', 'a, "b"\nc'] },
      { line: 4, fields: ['2', 'd'] },
    ]);
  });

  it('reads CRLF line ends, a byte order mark, and a last line with no line end', async () => {
    expect(await fieldsOf('\uFEFFa,b\r\n1,2\r\n3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('joins a field, a quoted section and a multi-byte character split across chunks', async () => {
    const euro = new TextEncoder().encode('€');

    const fields = await fieldsOf('na', 'me\n"x', 'y",', euro.slice(0, 1), euro.slice(1), '\n');

    expect(fields).toEqual([['name'], ['xy', '€']]);
  });

  it('reads a quote that ends a chunk as the end of the quoted section or the first of a doubled quote', async () => {
    expect(await fieldsOf('x,y\n"a"', '"b",c\n"d"', ',e\n')).toEqual([
      ['x', 'y'],
      ['a"b', 'c'],
      ['d', 'e'],
    ]);
  });

  it('refuses bytes that are not UTF-8, naming the line', async () => {
    const read = recordsOf('a\nok\n', new Uint8Array([0xff, 0xfe, 0x0a]));

    await expect(read).rejects.toThrow(InboxFileProblemError);
    await expect(recordsOf('a\nok\n', new Uint8Array([0xff, 0x0a]))).rejects.toThrow(/line 3: .*not UTF-8/);
  });

  it('refuses a quoted field that is never closed', async () => {
    await expect(recordsOf('a,b\n1,"open\n')).rejects.toThrow(/line 2: a quoted field is never closed/);
  });
});

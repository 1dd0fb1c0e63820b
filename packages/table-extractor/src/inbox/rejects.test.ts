import { describe, expect, it } from 'vitest';
import { InboxFileProblemError, InboxRowProblemError } from '../errors';
import { capRaw, csvLine, jsonRecord, maxRawBytes, rejectRecord, tallyRejects } from './rejects';

const reject = (at: number) =>
  ({ place: 'line', at, column: null, reason: `line ${at}: bad`, raw: 'x' }) as const;

describe('capRaw', () => {
  it('keeps a record of up to 1 KiB as it is', () => {
    const text = 'a'.repeat(maxRawBytes);

    expect(capRaw(text)).toBe(text);
  });

  it('cuts a longer record to 1 KiB of UTF-8, ending in an ellipsis', () => {
    const capped = capRaw('a'.repeat(5000));

    expect(Buffer.byteLength(capped)).toBe(maxRawBytes);
    expect(capped.endsWith('a…')).toBe(true);
  });

  it('never splits a multi-byte character at the cut', () => {
    // 3 bytes a euro sign: 1021 bytes of content leave the cut inside one.
    const capped = capRaw(`ab${'€'.repeat(400)}`);

    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(maxRawBytes);
    expect(capped).toMatch(/^ab(€)+…$/);
    expect(capped).not.toContain('\uFFFD');
  });
});

describe('csvLine', () => {
  it('writes fields back as COPY writes CSV: NULL as nothing, empty as "", quotes doubled', () => {
    expect(csvLine(['1', null, '', 'a,b', 'say "hi"', 'two\nlines'])).toBe(
      '1,,"","a,b","say ""hi""","two\nlines"',
    );
  });
});

describe('jsonRecord', () => {
  it('writes a bigint as its digits', () => {
    expect(jsonRecord({ id: 2n ** 40n, name: 'x' })).toBe('{"id":"1099511627776","name":"x"}');
  });
});

describe('rejectRecord', () => {
  it('hands a problem of one record on, with its raw record capped', () => {
    const seen: unknown[] = [];

    rejectRecord(
      new InboxRowProblemError('row', 4, 'units_sold', 'row 4, column units_sold: bad'),
      () => 'y'.repeat(2000),
      (r) => seen.push(r),
    );

    expect(seen).toEqual([
      {
        place: 'row',
        at: 4,
        column: 'units_sold',
        reason: 'row 4, column units_sold: bad',
        raw: expect.any(String),
      },
    ]);
    expect(Buffer.byteLength((seen[0] as { raw: string }).raw)).toBe(maxRawBytes);
  });

  it('rethrows a problem of the whole file', () => {
    const problem = new InboxFileProblemError('not a readable gzip file');

    expect(() =>
      rejectRecord(
        problem,
        () => '',
        () => {},
      ),
    ).toThrow(problem);
  });
});

describe('tallyRejects', () => {
  it('counts every reject under skip and keeps only the first ones', () => {
    const tally = tallyRejects(false, 2);

    for (const at of [1, 2, 3]) tally.onReject(reject(at));

    expect(tally.count()).toBe(3);
    expect(tally.kept().map((kept) => kept.at)).toEqual([1, 2]);
  });

  it('under fail, keeps the first reject and throws it as a problem of the file', () => {
    const tally = tallyRejects(true);

    expect(() => tally.onReject(reject(7))).toThrow(new InboxFileProblemError('line 7: bad'));
    expect(tally.kept()).toEqual([reject(7)]);
  });
});

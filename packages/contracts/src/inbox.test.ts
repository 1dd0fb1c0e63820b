import { describe, expect, it } from 'vitest';
import { newEnvelope } from './envelope';
import { claimOf, piecesOf } from './messages';
import { parseMessage } from './parse';

const envelope = () => newEnvelope({ runId: crypto.randomUUID(), causationId: null });
const file = { key: 'design/2024-12-01.csv', version: '"abc"', bytes: 120 };
const object = {
  key: 'raw/design/inbox/x',
  parts: ['raw/design/inbox/x/part-0.parquet'],
  rows: 3,
  bytes: 10,
};

describe('the file kind of table.changed and table.extracted', () => {
  it('parses a request to read an inbox file, which names the file and carries no window', () => {
    const body = JSON.stringify({
      ...envelope(),
      type: 'table.changed',
      kind: 'file',
      table: 'design',
      file,
    });

    const parsed = parseMessage(body, ['table.changed']);

    expect(parsed).toMatchObject({ ok: true, message: { kind: 'file', file } });
  });

  it('parses the announcement of a file read into the raw zone', () => {
    const body = JSON.stringify({
      ...envelope(),
      type: 'table.extracted',
      kind: 'file',
      table: 'design',
      file,
      object,
    });

    expect(parseMessage(body, ['table.extracted'])).toMatchObject({ ok: true, message: { kind: 'file' } });
  });

  it('rejects a file request that does not name its file', () => {
    const body = JSON.stringify({ ...envelope(), type: 'table.changed', kind: 'file', table: 'design' });

    expect(parseMessage(body)).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' });
  });
});

describe('file messages that name several pieces', () => {
  const other = { key: 'design/2024-12-02.csv', version: '"def"', bytes: 80 };

  it('parses a claim of several files of one table, and lists them in reading order', () => {
    const body = JSON.stringify({
      ...envelope(),
      type: 'table.changed',
      kind: 'file',
      table: 'design',
      file,
      pieces: [file, other],
    });

    const parsed = parseMessage(body, ['table.changed']);

    expect(parsed.ok && parsed.message.kind === 'file' && piecesOf(parsed.message)).toEqual([file, other]);
  });

  it('reads a message of one file written before pieces as a claim of that one file', () => {
    const body = JSON.stringify({
      ...envelope(),
      type: 'table.changed',
      kind: 'file',
      table: 'design',
      file,
    });

    const parsed = parseMessage(body, ['table.changed']);

    expect(parsed.ok && parsed.message.kind === 'file' && piecesOf(parsed.message)).toEqual([file]);
  });

  it('rejects an empty list of pieces', () => {
    const body = JSON.stringify({
      ...envelope(),
      type: 'table.extracted',
      kind: 'file',
      table: 'design',
      file,
      pieces: [],
      object,
    });

    expect(parseMessage(body)).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' });
  });
});

describe('file messages that name one byte range of a large file', () => {
  const piece = (range: object) =>
    JSON.stringify({
      ...envelope(),
      type: 'table.changed',
      kind: 'file',
      table: 'design',
      file,
      pieces: [{ ...file, range }],
      claim: crypto.randomUUID(),
    });

  it('reads the range and the claim it is read under', () => {
    const parsed = parseMessage(piece({ index: 1, of: 3, start: 40, end: 80 }), ['table.changed']);

    expect(parsed.ok && parsed.message.kind === 'file' && claimOf(parsed.message)).toEqual(
      expect.stringMatching(/^[0-9a-f-]{36}$/),
    );
    expect(parsed.ok && parsed.message.kind === 'file' && piecesOf(parsed.message)[0]?.range).toEqual({
      index: 1,
      of: 3,
      start: 40,
      end: 80,
    });
  });

  it('rejects a range past its count of pieces, or one that ends before it starts', () => {
    expect(parseMessage(piece({ index: 3, of: 3, start: 40, end: 80 }))).toMatchObject({ ok: false });
    expect(parseMessage(piece({ index: 0, of: 3, start: 80, end: 40 }))).toMatchObject({ ok: false });
  });
});

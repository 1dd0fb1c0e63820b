import { describe, expect, it } from 'vitest';
import { newEnvelope } from './envelope';
import { parseMessage } from './parse';

const envelope = () => newEnvelope({ runId: crypto.randomUUID(), causationId: null });
const object = { key: 'raw/design/2024-12-01/deletes-x', parts: [], rows: 1, bytes: 10 };

describe('the deletes kind of table.changed and table.extracted', () => {
  it('parses a delete check request, which carries no window', () => {
    const body = JSON.stringify({ ...envelope(), type: 'table.changed', kind: 'deletes', table: 'design' });

    const parsed = parseMessage(body, ['table.changed']);

    expect(parsed).toMatchObject({ ok: true, message: { kind: 'deletes', table: 'design' } });
  });

  it('still parses a window request without a kind, as before', () => {
    const window = { after: null, rereadFrom: null, upTo: '2024-12-01T08:00:00.000' };
    const body = JSON.stringify({ ...envelope(), type: 'table.changed', table: 'design', window, rows: 1 });

    expect(parseMessage(body).ok).toBe(true);
  });

  it('parses the announcement of tombstones with the time of the check', () => {
    const body = JSON.stringify({
      ...envelope(),
      type: 'table.extracted',
      kind: 'deletes',
      table: 'design',
      checkedAt: '2024-12-01T08:00:00.000',
      object,
    });

    expect(parseMessage(body, ['table.extracted'])).toMatchObject({ ok: true, message: { kind: 'deletes' } });
  });

  it.each([
    ['an unknown kind', { type: 'table.changed', kind: 'truncate', table: 'design' }],
    ['a window request with no window', { type: 'table.changed', kind: 'window', table: 'design', rows: 1 }],
    [
      'tombstones without the time of the check',
      { type: 'table.extracted', kind: 'deletes', table: 'design', object },
    ],
  ])('rejects %s', (_case, fields) => {
    const parsed = parseMessage(JSON.stringify({ ...envelope(), ...fields }));

    expect(parsed).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' });
  });
});

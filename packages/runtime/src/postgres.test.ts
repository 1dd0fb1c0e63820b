import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { canonicalTime, canonicalTimestamp, createPool, shiftTimestamp } from './postgres';

describe('canonicalTimestamp', () => {
  it.each([
    ['2024-11-15 09:30:00.1', '2024-11-15T09:30:00.100'],
    ['2024-11-15 09:30:00.12', '2024-11-15T09:30:00.120'],
    ['2024-11-15 09:30:00.123', '2024-11-15T09:30:00.123'],
    ['2024-11-15 09:30:00', '2024-11-15T09:30:00.000'],
    ['2024-11-15 09:30:00.123456', '2024-11-15T09:30:00.123'],
    ['2024-11-15', '2024-11-15T00:00:00.000'],
  ])('turns %s into %s', (text, canonical) => {
    expect(canonicalTimestamp(text)).toBe(canonical);
  });

  it('gives text whose order is the time order', () => {
    const times = [
      '2024-11-15 09:30:00.1',
      '2024-11-15 09:30:00.05',
      '2024-11-15 09:30:00',
      '2024-11-15 09:30:00.9',
    ];

    expect(times.map(canonicalTimestamp).sort()).toEqual([
      '2024-11-15T09:30:00.000',
      '2024-11-15T09:30:00.050',
      '2024-11-15T09:30:00.100',
      '2024-11-15T09:30:00.900',
    ]);
  });
});

describe('canonicalTime', () => {
  it.each([
    ['14:20:52.186', '14:20:52.186'],
    ['14:20:52.5', '14:20:52.500'],
    ['14:20:52', '14:20:52.000'],
    ['14:20:52.123999', '14:20:52.123'],
  ])('turns %s into %s', (text, canonical) => {
    expect(canonicalTime(text)).toBe(canonical);
  });
});

describe('shiftTimestamp', () => {
  it.each([
    ['2024-11-15T09:30:00.000', -60_000, '2024-11-15T09:29:00.000'],
    ['2024-11-15T00:00:00.000', -1, '2024-11-14T23:59:59.999'],
    ['2024-03-01T00:00:30.000', -60_000, '2024-02-29T23:59:30.000'],
    ['2024-12-31T23:59:59.999', 1, '2025-01-01T00:00:00.000'],
    ['2024-11-15T09:30:00.123', 0, '2024-11-15T09:30:00.123'],
  ])('moves %s by %i ms to %s, without any time zone', (timestamp, ms, shifted) => {
    expect(shiftTimestamp(timestamp, ms)).toBe(shifted);
  });
});

describe('createPool', () => {
  it('survives the connection error of a checked-out client, which its next query then reports', async () => {
    const pool = createPool('postgres://totes@127.0.0.1:1/none');
    const client = new EventEmitter();
    pool.emit('connect', client);

    const cut = () => client.emit('error', new Error('Connection terminated unexpectedly'));

    expect(cut).not.toThrow();
    await pool.end();
  });
});

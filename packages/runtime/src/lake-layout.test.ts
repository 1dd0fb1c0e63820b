import { describe, expect, it } from 'vitest';
import { processedKey, rawKey, rawPrefix } from './lake-layout';

const window = {
  after: { lastUpdated: '2024-11-15T09:00:00.000', id: 4 },
  rereadFrom: '2024-11-15T08:59:00.000',
  upTo: '2024-11-15T10:00:00.000',
};

describe('the lake layout', () => {
  it('names a raw window folder under its table and day, by its upper bound and a digest of the window', () => {
    expect(rawKey('staff', window)).toMatch(/^raw\/staff\/2024-11-15\/2024-11-15T100000\.000-[0-9a-f]{12}$/);
  });

  it('names the same window the same way every time, so a retry overwrites its own folder', () => {
    expect(rawKey('staff', { ...window, after: { ...window.after } })).toBe(rawKey('staff', window));
  });

  it.each([
    ['a different start', { ...window, after: { lastUpdated: '2024-11-15T09:00:00.000', id: 5 } }],
    ['no start', { ...window, after: null }],
    ['a different margin', { ...window, rereadFrom: '2024-11-15T08:58:00.000' }],
    ['no margin', { ...window, rereadFrom: null }],
    ['a different end', { ...window, upTo: '2024-11-15T10:00:00.001' }],
  ])('names a window with %s differently', (_difference, other) => {
    expect(rawKey('staff', other)).not.toBe(rawKey('staff', window));
  });

  it('names the same window of two tables differently', () => {
    expect(rawKey('design', window)).not.toBe(rawKey('staff', window));
  });

  it('sorts window folders by their upper bound', () => {
    const keys = ['2024-11-16T00:00:00.000', '2024-11-15T10:00:00.000', '2024-11-15T09:59:59.999'].map(
      (upTo) => rawKey('staff', { after: null, rereadFrom: null, upTo }),
    );

    expect([...keys].sort()).toEqual([keys[2], keys[1], keys[0]]);
  });

  it('keeps every raw folder of a table under its prefix', () => {
    expect(rawPrefix('staff')).toBe('raw/staff/');
    expect(rawKey('staff', window).startsWith(rawPrefix('staff'))).toBe(true);
    expect(rawKey('staff_x', window).startsWith(rawPrefix('staff'))).toBe(false);
  });

  it('names a processed folder by model, day and the message that caused the build', () => {
    expect(processedKey('dim_staff', '0b6f6f1e-2a4c-4b8e-9a51-3f0e4c1d2b7a', '2024-11-15')).toBe(
      'processed/dim_staff/2024-11-15/0b6f6f1e-2a4c-4b8e-9a51-3f0e4c1d2b7a',
    );
  });
});

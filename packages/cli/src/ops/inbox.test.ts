import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inboxKeyOf, replayInboxFiles } from './inbox';

describe('inboxKeyOf', () => {
  it('takes a key as it is, and a path or URL in the inbox as its key under the inbox root', () => {
    expect(inboxKeyOf('design/a.csv', '.totes/inbox')).toBe('design/a.csv');
    expect(inboxKeyOf(resolve('.totes/inbox/design/a.csv'), '.totes/inbox')).toBe('design/a.csv');
    expect(inboxKeyOf('s3://drop/in/design/a.csv', 's3://drop/in')).toBe('design/a.csv');
  });
});

describe('replayInboxFiles', () => {
  const ledger = { versionsOf: async () => [], list: async () => [], replay: async () => true };

  it.each([
    ['neither a file nor --quarantined', { quarantined: false }],
    ['both a file and --quarantined', { key: 'design/a.csv', quarantined: true }],
  ])('refuses %s', async (_case, target) => {
    await expect(replayInboxFiles(ledger, target)).rejects.toThrow(/needs one file, or --quarantined/);
  });

  it('refuses a policy it cannot read, before replaying anything', async () => {
    await expect(replayInboxFiles(ledger, { quarantined: true }, 'skip:150%')).rejects.toThrow(
      /--policy: .*error rate/,
    );
  });
});

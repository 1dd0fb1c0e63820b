import { describe, expect, it } from 'vitest';
import { alertsOf, defaultStatusThresholds, formatStatus, type StatusReport } from './status-report';

const inboxOnly: StatusReport = {
  stage: 'local',
  tables: null,
  models: [],
  queues: [],
  inbox: [
    {
      table: 'design',
      loaded: 2,
      quarantined: 1,
      inFlight: 0,
      rows: 120,
      lastLoaded: { key: 'design/d.csv', at: '2026-12-02T08:00:00.000Z' },
      lastQuarantined: 'design/bad.csv',
    },
    {
      table: 'staff',
      loaded: 0,
      quarantined: 0,
      inFlight: 1,
      rows: 0,
      lastLoaded: null,
      lastQuarantined: null,
    },
  ],
};

describe('the status report of the inbox', () => {
  it('shows one line per table with its files, rows and last file loaded', () => {
    const text = formatStatus(inboxOnly);

    expect(text).toMatch(/^ {2}design +2 +1 +0 +120 {2}design\/d\.csv at 2026-12-02T08:00:00\.000Z$/m);
    expect(text).toMatch(/^ {2}staff +0 +0 +1 +0 {2}-$/m);
  });

  it('raises one alert per table with a quarantined file, naming the last and the command that shows why', () => {
    const alerts = alertsOf(inboxOnly, defaultStatusThresholds);

    expect(alerts).toEqual([
      '1 inbox file of design quarantined, the last design/bad.csv: `totes inbox show design/bad.csv`',
    ]);
    expect(formatStatus(inboxOnly)).toContain(`    QUARANTINED: ${alerts[0]}`);
  });

  it('says the inbox has no file yet rather than leaving the section empty', () => {
    const text = formatStatus({ ...inboxOnly, inbox: [] });

    expect(text).toMatch(/^inbox files .*\n {2}\(no file yet\)$/m);
  });
});

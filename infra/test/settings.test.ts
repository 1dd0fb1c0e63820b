import { noSourceDatabase } from '@totes/model';
import { describe, expect, it } from 'vitest';
import { DetectMode, deploySettings } from '../settings';
import { stagePlan } from '../stage';

const env = { TOTES_SOURCE_LOCATION: 'postgres://totesys.internal:5432/totesys' };

describe('deploy settings', () => {
  it('detects continuously in production and once a minute elsewhere, unless TOTES_DETECT_MODE says', () => {
    expect(deploySettings(env, stagePlan('production')).detectMode).toBe(DetectMode.continuous);
    expect(deploySettings(env, stagePlan('pr-42')).detectMode).toBe(DetectMode.perMinute);
    expect(
      deploySettings({ ...env, TOTES_DETECT_MODE: 'per-minute' }, stagePlan('production')).detectMode,
    ).toBe(DetectMode.perMinute);
    expect(() => deploySettings({ ...env, TOTES_DETECT_MODE: 'often' }, stagePlan('pr-42'))).toThrow(
      /TOTES_DETECT_MODE must be one of per-minute, continuous/,
    );
  });

  it('reads the alert emails as a comma-separated list, and refuses what is not an address', () => {
    const settings = deploySettings(
      { ...env, TOTES_ALERT_EMAILS: ' ops@totes.example,, data@totes.example ,ops@totes.example' },
      stagePlan('pr-42'),
    );

    expect(settings.alertEmails).toEqual(['ops@totes.example', 'data@totes.example']);
    expect(deploySettings(env, stagePlan('pr-42')).alertEmails).toEqual([]);
    expect(() => deploySettings({ ...env, TOTES_ALERT_EMAILS: 'ops' }, stagePlan('pr-42'))).toThrow(/"ops"/);
  });

  it('holds tables to a 30-minute freshness SLA unless TOTES_FRESHNESS_SLA_S says, in whole seconds', () => {
    expect(deploySettings(env, stagePlan('pr-42')).freshnessSlaSeconds).toBe(1800);
    expect(
      deploySettings({ ...env, TOTES_FRESHNESS_SLA_S: '600' }, stagePlan('pr-42')).freshnessSlaSeconds,
    ).toBe(600);
    for (const bad of ['0', '12.5', 'soon', '100000']) {
      expect(() => deploySettings({ ...env, TOTES_FRESHNESS_SLA_S: bad }, stagePlan('pr-42'))).toThrow(
        /TOTES_FRESHNESS_SLA_S must be a whole number/,
      );
    }
  });

  it('pauses a continuous detector TOTES_DETECT_INTERVAL_MS between cycles, a second unless told', () => {
    expect(deploySettings(env, stagePlan('production')).detectIntervalMs).toBe(1000);
    expect(
      deploySettings({ ...env, TOTES_DETECT_INTERVAL_MS: '250' }, stagePlan('production')).detectIntervalMs,
    ).toBe(250);
    expect(() => deploySettings({ ...env, TOTES_DETECT_INTERVAL_MS: '10' }, stagePlan('production'))).toThrow(
      /TOTES_DETECT_INTERVAL_MS/,
    );
  });

  it('sizes the extractor’s /tmp by TOTES_EXTRACTOR_TMP_MB, 4096 MB unless told, within Lambda’s 512 MB to 10 GB', () => {
    expect(deploySettings(env, stagePlan('pr-42')).extractorTmpMb).toBe(4096);
    expect(
      deploySettings({ ...env, TOTES_EXTRACTOR_TMP_MB: '10240' }, stagePlan('pr-42')).extractorTmpMb,
    ).toBe(10_240);
    for (const bad of ['256', '20000', '1.5']) {
      expect(() => deploySettings({ ...env, TOTES_EXTRACTOR_TMP_MB: bad }, stagePlan('pr-42'))).toThrow(
        /TOTES_EXTRACTOR_TMP_MB must be a whole number from 512 to 10240/,
      );
    }
  });

  it('checks TOTES_INBOX_POLICY at deploy and keeps it as written, and has none unless told', () => {
    const policy = 'sales_order=skip:1%,payment=fail';

    expect(deploySettings({ ...env, TOTES_INBOX_POLICY: policy }, stagePlan('pr-42')).inboxPolicy).toBe(
      policy,
    );
    expect(deploySettings(env, stagePlan('pr-42')).inboxPolicy).toBeUndefined();
    expect(() =>
      deploySettings({ ...env, TOTES_INBOX_POLICY: 'orders=skip:1%' }, stagePlan('pr-42')),
    ).toThrow(/TOTES_INBOX_POLICY: .*orders/);
  });

  it('reads TOTES_SOURCE_LOCATION=none as an inbox-only stage, the word TOTES_SOURCE_URL=none uses locally', () => {
    const inboxOnly = deploySettings({ TOTES_SOURCE_LOCATION: 'none' }, stagePlan('pr-42'));

    expect(inboxOnly).toMatchObject({ sourceLocation: noSourceDatabase, inboxOnly: true });
    expect(deploySettings({ TOTES_SOURCE_LOCATION: ' NONE ' }, stagePlan('pr-42')).inboxOnly).toBe(true);
    expect(deploySettings(env, stagePlan('pr-42')).inboxOnly).toBe(false);
  });

  it('lets the principals in TOTES_INBOX_WRITERS write to the inbox, each once, and none unless told', () => {
    const writers = [
      'arn:aws:iam::111122223333:role/sales-exports',
      'arn:aws:iam::111122223333:role/teams/finance/exporter',
      'arn:aws:iam::444455556666:root',
      'arn:aws-us-gov:iam::777788889999:user/batch.uploader@ops',
    ];

    expect(
      deploySettings(
        { ...env, TOTES_INBOX_WRITERS: ` ${writers.join(' , ')},,${writers[0]}` },
        stagePlan('pr-42'),
      ).inboxWriters,
    ).toEqual(writers);
    expect(deploySettings(env, stagePlan('pr-42')).inboxWriters).toEqual([]);
  });

  it.each([
    ['a wildcard', '*'],
    ['an account ID alone', '111122223333'],
    ['an account of eleven digits', 'arn:aws:iam::11112222333:role/exporter'],
    ['a role with no name', 'arn:aws:iam::111122223333:role/'],
    ['a wildcard role', 'arn:aws:iam::111122223333:role/*'],
    ['a service principal', 's3.amazonaws.com'],
    ['an assumed-role session', 'arn:aws:sts::111122223333:assumed-role/exporter/session'],
    ['a bucket', 'arn:aws:s3:::totes-pr-42-inbox-111122223333'],
  ])('refuses %s in TOTES_INBOX_WRITERS, naming it', (_case, writer) => {
    const writers = `arn:aws:iam::111122223333:role/exporter,${writer}`;

    expect(() => deploySettings({ ...env, TOTES_INBOX_WRITERS: writers }, stagePlan('pr-42'))).toThrow(
      `TOTES_INBOX_WRITERS holds "${writer}", not the ARN of an IAM role, user or account`,
    );
  });
});

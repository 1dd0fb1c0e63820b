import { inboxPolicyOf } from '@totes/model';
import { ConfigVariable, InvalidConfigError, noSourceUrl } from '@totes/runtime';
import { describe, expect, it } from 'vitest';
import { checkInboxOnly, granted, loadLambdaConfig } from './config';
import { LambdaVariable, topicVariable } from './contract';
import { NotGrantedError } from './errors';

const base = {
  TOTES_STAGE: 'pr-42',
  TOTES_WAREHOUSE_SCHEMA: 'totes_pr_42',
  TOTES_STATE_SCHEMA: 'totes_pr_42_state',
};

describe('loadLambdaConfig', () => {
  it('reads the stage, the schemas and only the topics, zones and secrets this function was given', () => {
    const config = loadLambdaConfig({
      ...base,
      AWS_REGION: 'eu-west-2',
      TOTES_PROCESSED_LAKE_URL: 's3://totes-pr-42-processed-x/pr-42',
      TOTES_WAREHOUSE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:1:secret:totes-dev-warehouse-AbCdEf',
      [topicVariable('load-complete')]: 'arn:aws:sns:eu-west-2:1:totes-pr-42-load-complete',
    });

    expect(config).toEqual({
      stage: 'pr-42',
      warehouseSchema: 'totes_pr_42',
      stateSchema: 'totes_pr_42_state',
      lateCommitMarginMs: 60_000,
      deleteCheckIntervalMs: 600_000,
      detectMode: 'per-minute',
      detectIntervalMs: 1000,
      loadParallelism: 2,
      region: 'eu-west-2',
      rawLakeUrl: undefined,
      processedLakeUrl: 's3://totes-pr-42-processed-x/pr-42',
      inboxUrl: undefined,
      inboxPolicies: {},
      sourceLocation: undefined,
      inboxOnly: false,
      sourceSecretArn: undefined,
      warehouseSecretArn: 'arn:aws:secretsmanager:eu-west-2:1:secret:totes-dev-warehouse-AbCdEf',
      topics: { 'load-complete': 'arn:aws:sns:eu-west-2:1:totes-pr-42-load-complete' },
    });
  });

  it.each([
    ['the stage is missing', { ...base, TOTES_STAGE: '' }, /TOTES_STAGE is not set/],
    ['the stage is not a stage name', { ...base, TOTES_STAGE: 'PR 42' }, /TOTES_STAGE must match/],
    ['a schema is missing', { ...base, TOTES_STATE_SCHEMA: undefined }, /TOTES_STATE_SCHEMA is not set/],
    [
      'a schema is not an identifier',
      { ...base, TOTES_WAREHOUSE_SCHEMA: 'a;drop' },
      /TOTES_WAREHOUSE_SCHEMA must/,
    ],
    ['the margin is not a number', { ...base, TOTES_LATE_COMMIT_MARGIN_MS: 'soon' }, /positive integer/],
    [
      'the load parallelism is 0',
      { ...base, TOTES_LOAD_PARALLELISM: '0' },
      /TOTES_LOAD_PARALLELISM must be a positive/,
    ],
    [
      'the detect mode is unknown',
      { ...base, TOTES_DETECT_MODE: 'often' },
      /TOTES_DETECT_MODE must be one of/,
    ],
    [
      'the detect interval is 0',
      { ...base, TOTES_DETECT_INTERVAL_MS: '0' },
      /TOTES_DETECT_INTERVAL_MS must be a positive/,
    ],
    [
      'the inbox is a folder, which a function cannot share',
      { ...base, TOTES_INBOX_URL: '/tmp/inbox' },
      /TOTES_INBOX_URL must be s3:\/\/bucket\/prefix/,
    ],
    [
      'an inbox policy names no table of the catalog',
      { ...base, TOTES_INBOX_POLICY: 'orders=skip:1%' },
      /TOTES_INBOX_POLICY: .*orders/,
    ],
    [
      'the source location holds credentials',
      { ...base, TOTES_SOURCE_LOCATION: 'postgres://reader:pw@host:5432/totesys' },
      /must not hold credentials/,
    ],
    [
      'an inbox-only stage is given a source secret',
      {
        ...base,
        TOTES_SOURCE_LOCATION: 'none',
        TOTES_SOURCE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:1:secret:totes-dev-source-AbCdEf',
      },
      /TOTES_SOURCE_SECRET_ARN is set, but TOTES_SOURCE_LOCATION=none says the stage has no source database/,
    ],
  ])('refuses the config when %s, naming the variable', (_case, env, message) => {
    expect(() => loadLambdaConfig(env)).toThrow(InvalidConfigError);
    expect(() => loadLambdaConfig(env)).toThrow(message);
  });

  it('shares its variable names with the local config, so one name means one thing everywhere', () => {
    expect(LambdaVariable.stage).toBe(ConfigVariable.stage);
    expect(LambdaVariable.warehouseSchema).toBe(ConfigVariable.warehouseSchema);
    expect(LambdaVariable.stateSchema).toBe(ConfigVariable.stateSchema);
    expect(LambdaVariable.inboxUrl).toBe(ConfigVariable.inboxUrl);
    expect(LambdaVariable.lateCommitMarginMs).toBe(ConfigVariable.lateCommitMarginMs);
    expect(LambdaVariable.deleteCheckIntervalMs).toBe(ConfigVariable.deleteCheckIntervalMs);
    expect(LambdaVariable.loadParallelism).toBe(ConfigVariable.loadParallelism);
    expect(LambdaVariable.detectIntervalMs).toBe(ConfigVariable.detectIntervalMs);
    expect(LambdaVariable.inboxPolicies).toBe(ConfigVariable.inboxPolicies);
  });

  it('reads the stage’s inbox policies over the model’s, and none when unset', () => {
    const config = loadLambdaConfig({ ...base, TOTES_INBOX_POLICY: 'sales_order=skip:1%, payment=fail' });

    expect(inboxPolicyOf('sales_order', config.inboxPolicies)).toEqual({
      onBadRow: 'skip',
      maxErrorRate: 0.01,
    });
    expect(inboxPolicyOf('payment', config.inboxPolicies)).toEqual({ onBadRow: 'fail', maxErrorRate: 0 });
    expect(loadLambdaConfig(base).inboxPolicies).toEqual({});
  });

  it('reads the continuous detect mode and its interval', () => {
    const config = loadLambdaConfig({
      ...base,
      TOTES_DETECT_MODE: 'continuous',
      TOTES_DETECT_INTERVAL_MS: '2000',
    });

    expect([config.detectMode, config.detectIntervalMs]).toEqual(['continuous', 2000]);
  });
});

describe('an inbox-only stage', () => {
  const inbox = 's3://totes-pr-42-inbox-1/inbox';

  it('reads TOTES_SOURCE_LOCATION=none as the local TOTES_SOURCE_URL=none: no source, and the lineage says so', () => {
    const config = loadLambdaConfig({ ...base, TOTES_SOURCE_LOCATION: 'none', TOTES_INBOX_URL: inbox });

    expect(config).toMatchObject({
      inboxOnly: true,
      sourceLocation: noSourceUrl,
      sourceSecretArn: undefined,
    });
    expect(loadLambdaConfig({ ...base, TOTES_SOURCE_LOCATION: 'None' }).inboxOnly).toBe(true);
    expect(
      loadLambdaConfig({ ...base, TOTES_SOURCE_LOCATION: 'postgres://totesys.internal:5432/totesys' })
        .inboxOnly,
    ).toBe(false);
  });

  it('requires the inbox of a function that detects or extracts there, naming both variables', () => {
    const withoutInbox = loadLambdaConfig({ ...base, TOTES_SOURCE_LOCATION: 'none' });

    expect(() => checkInboxOnly(withoutInbox)).toThrow(InvalidConfigError);
    expect(() => checkInboxOnly(withoutInbox)).toThrow(
      'TOTES_SOURCE_LOCATION=none: the stage reads its inbox alone, but TOTES_INBOX_URL is not set',
    );
    expect(() =>
      checkInboxOnly(loadLambdaConfig({ ...base, TOTES_SOURCE_LOCATION: 'none', TOTES_INBOX_URL: inbox })),
    ).not.toThrow();
    // With a source, the inbox stays optional.
    expect(() => checkInboxOnly(loadLambdaConfig(base))).not.toThrow();
  });
});

describe('granted', () => {
  it('names the variable a function was not given when it tries to use it', () => {
    expect(granted('x', 'the source secret', 'TOTES_SOURCE_SECRET_ARN')).toBe('x');
    expect(() => granted(undefined, 'the source secret', 'TOTES_SOURCE_SECRET_ARN')).toThrow(NotGrantedError);
    expect(() => granted(undefined, 'the source secret', 'TOTES_SOURCE_SECRET_ARN')).toThrow(
      'this function was not given the source secret: TOTES_SOURCE_SECRET_ARN is not set',
    );
  });
});

describe('topicVariable', () => {
  it('names a topic’s ARN variable after the topic', () => {
    expect(topicVariable('changes')).toBe('TOTES_TOPIC_CHANGES_ARN');
    expect(topicVariable('load-complete')).toBe('TOTES_TOPIC_LOAD_COMPLETE_ARN');
  });
});

import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasSourceDatabase, loadConfig, noSourceUrl } from './config';
import { InvalidConfigError } from './errors';

const env = {
  TOTES_STAGE: 'dev',
  TOTES_SOURCE_URL: 'postgres://reader:s0urce-Pa55@source.example:5432/totesys',
  TOTES_WAREHOUSE_URL: 'postgres://loader:wareh0use-Pa55@warehouse.example:5432/dw',
  TOTES_LAKE_URL: 's3://totes-lake/dev',
};

function configError(values: Record<string, string | undefined>): Error {
  try {
    loadConfig(values);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as Error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('reads the settings from the environment, with defaults for the rest', () => {
    expect(loadConfig({ ...env, AWS_REGION: 'eu-west-2' })).toEqual({
      stage: 'dev',
      sourceUrl: env.TOTES_SOURCE_URL,
      warehouseUrl: env.TOTES_WAREHOUSE_URL,
      lakeUrl: 's3://totes-lake/dev',
      inboxUrl: resolve('.totes', 'inbox'),
      inboxPolicies: {},
      inboxBatch: { files: 1000, bytes: 64 * 1024 * 1024, pieceBytes: 64 * 1024 * 1024 },
      warehouseSchema: 'public',
      stateSchema: 'totes',
      detectIntervalMs: 1000,
      lateCommitMarginMs: 60_000,
      deleteCheckIntervalMs: 600_000,
      loadParallelism: 2,
      region: 'eu-west-2',
    });
  });

  it('reads TOTES_DELETE_CHECK_INTERVAL_MS, where 0 turns the delete check off', () => {
    expect(loadConfig({ ...env, TOTES_DELETE_CHECK_INTERVAL_MS: '0' }).deleteCheckIntervalMs).toBe(0);
    expect(loadConfig({ ...env, TOTES_DELETE_CHECK_INTERVAL_MS: '5000' }).deleteCheckIntervalMs).toBe(5000);
  });

  it('reads TOTES_INBOX_URL, whose default is inbox/ under the state folder', () => {
    expect(loadConfig({ ...env, TOTES_INBOX_URL: 's3://drop/orders' }).inboxUrl).toBe('s3://drop/orders');
    expect(loadConfig({ ...env, TOTES_STATE_DIR: '/var/totes' }).inboxUrl).toBe('/var/totes/inbox');
  });

  it('reads per-table inbox policies from TOTES_INBOX_POLICY, and names it when one is malformed', () => {
    expect(loadConfig({ ...env, TOTES_INBOX_POLICY: 'design=skip:2%' }).inboxPolicies).toEqual({
      design: { onBadRow: 'skip', maxErrorRate: 0.02 },
    });
    expect(loadConfig(env).inboxPolicies).toEqual({});
    expect(() => loadConfig({ ...env, TOTES_INBOX_POLICY: 'design=drop' })).toThrow(/TOTES_INBOX_POLICY/);
  });

  it('reads the inbox batch budget from TOTES_INBOX_BATCH_FILES, _BATCH_MIB and _PIECE_MIB, and refuses a zero', () => {
    const batch = {
      ...env,
      TOTES_INBOX_BATCH_FILES: '50',
      TOTES_INBOX_BATCH_MIB: '8',
      TOTES_INBOX_PIECE_MIB: '16',
    };

    expect(loadConfig(batch).inboxBatch).toEqual({
      files: 50,
      bytes: 8 * 1024 * 1024,
      pieceBytes: 16 * 1024 * 1024,
    });
    expect(loadConfig(env).inboxBatch.pieceBytes).toBe(64 * 1024 * 1024);
    expect(() => loadConfig({ ...env, TOTES_INBOX_BATCH_FILES: '0' })).toThrow(/TOTES_INBOX_BATCH_FILES/);
    expect(() => loadConfig({ ...env, TOTES_INBOX_PIECE_MIB: '0' })).toThrow(/TOTES_INBOX_PIECE_MIB/);
  });

  it('reads TOTES_SOURCE_URL=none as a platform with no source database', () => {
    const config = loadConfig({ ...env, TOTES_SOURCE_URL: 'none' });

    expect(config.sourceUrl).toBe(noSourceUrl);
    expect(hasSourceDatabase(config)).toBe(false);
    expect(hasSourceDatabase(loadConfig(env))).toBe(true);
  });

  it('reads TOTES_LOAD_PARALLELISM', () => {
    expect(loadConfig({ ...env, TOTES_LOAD_PARALLELISM: '4' }).loadParallelism).toBe(4);
  });

  it('takes what the environment leaves unset or blank from the defaults', () => {
    const config = loadConfig(
      { TOTES_STAGE: '  ', TOTES_LAKE_URL: '' },
      { sourceUrl: env.TOTES_SOURCE_URL, warehouseUrl: env.TOTES_WAREHOUSE_URL, lakeUrl: 'file:///tmp/lake' },
    );

    expect(config).toMatchObject({ stage: 'local', lakeUrl: 'file:///tmp/lake', region: 'us-east-1' });
  });

  it.each(['TOTES_SOURCE_URL', 'TOTES_WAREHOUSE_URL', 'TOTES_LAKE_URL'])(
    'names %s when it is not set and has no default',
    (name) => {
      expect(configError({ ...env, [name]: undefined }).message).toBe(`${name} is not set`);
    },
  );

  it.each([
    ['TOTES_STAGE', 'Prod'],
    ['TOTES_STAGE', 'dev_1'],
    ['TOTES_WAREHOUSE_SCHEMA', 'public; DROP SCHEMA x'],
    ['TOTES_STATE_SCHEMA', 'Totes'],
    ['TOTES_DETECT_INTERVAL_MS', '0'],
    ['TOTES_DETECT_INTERVAL_MS', '1.5'],
    ['TOTES_DETECT_INTERVAL_MS', 'soon'],
    ['TOTES_DELETE_CHECK_INTERVAL_MS', '-1'],
    ['TOTES_DELETE_CHECK_INTERVAL_MS', 'hourly'],
    ['TOTES_LOAD_PARALLELISM', '0'],
  ])('names %s when it holds the malformed value %j', (name, value) => {
    const message = configError({ ...env, [name]: value }).message;

    expect(message.startsWith(`${name} must `)).toBe(true);
    expect(message).toContain(`"${value}"`);
  });

  it.each([
    ['a URL whose port is not a number', 'postgres://reader:hunter2@source.example:port/totesys'],
    ['a URL with a space in its host', 'postgres://reader:hunter2@source example/totesys'],
    ['a URL of another scheme', 'mysql://reader:hunter2@source.example/totesys'],
    ['a URL without a database', 'postgres://reader:hunter2@source.example:5432'],
    ['a URL without a database or a slash', 'postgres://reader:hunter2@source.example'],
    ['a URL without the colon after its scheme', 'postgres//reader:hunter2@source.example/totesys'],
    ['a key=value connection string', 'host=source.example user=reader password=hunter2 dbname=totesys'],
  ])('names the variable, and never the password, for %s', (_case, url) => {
    const message = configError({ ...env, TOTES_SOURCE_URL: url }).message;

    expect(message.startsWith('TOTES_SOURCE_URL ')).toBe(true);
    expect(message).not.toContain('hunter2');
  });
});

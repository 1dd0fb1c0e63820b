import { describe, expect, it } from 'vitest';
import { VerifyErrorCode } from './errors';
import { runVerify } from './run-verify';

const urls = {
  sourceUrl: 'postgres://reader:s3cret@127.0.0.1:1/totesys',
  warehouseUrl: 'postgres://reader:s3cret@127.0.0.1:1/warehouse',
  warehouseSchema: 'public',
};

describe('runVerify', () => {
  it('refuses a malformed TOTES_VERIFY_SAMPLE_LIMIT before connecting to anything', async () => {
    const running = runVerify({ ...urls, env: { TOTES_VERIFY_SAMPLE_LIMIT: 'lots' }, write: () => {} });

    await expect(running).rejects.toMatchObject({
      code: VerifyErrorCode.invalidOption,
      message: expect.stringContaining('TOTES_VERIFY_SAMPLE_LIMIT'),
    });
  });

  it('refuses a source URL that is not a postgres URL without echoing its password', async () => {
    const running = runVerify({
      ...urls,
      sourceUrl: 'mysql://reader:s3cret@host/totesys',
      env: {},
      write: () => {},
    });

    await expect(running).rejects.toThrow(/TOTES_SOURCE_URL must be a postgres:\/\/ URL/);
    await expect(running).rejects.not.toThrow(/s3cret/);
  });

  it('refuses a platform with no source database and no lake, naming both settings', async () => {
    const running = runVerify({ ...urls, sourceUrl: 'none', env: {}, write: () => {} });

    await expect(running).rejects.toMatchObject({
      code: VerifyErrorCode.noSource,
      message: expect.stringMatching(/TOTES_SOURCE_URL=none.*TOTES_LAKE_URL/),
    });
  });
});

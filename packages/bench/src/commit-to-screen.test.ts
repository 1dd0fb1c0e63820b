import { describe, expect, it } from 'vitest';
import { chromiumPath, measureCommitToScreen } from './commit-to-screen';

describe('commit-to-screen', () => {
  it("uses Debian's chromium unless TOTES_CHROMIUM names another", () => {
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ TOTES_CHROMIUM: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome');
  });

  it('measures nothing, and fails nothing, when Chromium is not installed', async () => {
    const measured = await measureCommitToScreen({
      dashboardUrl: 'http://127.0.0.1:9/',
      sourceUrl: 'postgres://nobody@127.0.0.1:9/none',
      changes: 3,
      intervalMs: 1000,
      seed: 1,
      changeTimeoutMs: 1000,
      executablePath: '/nonexistent/chromium',
    });

    expect(measured).toBeNull();
  });
});

import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium, which `npm test` installs; TOTES_CHROMIUM names another. Playwright's own download is not used. */
export const chromiumPath = process.env.TOTES_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium for a browser test. A missing browser fails the test with what to do: the browser
 * tests never skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(
      `the browser tests need Chromium at ${chromiumPath}, and it is not there: install Debian's chromium ` +
        '(`apt-get install -y chromium`; `npm test` installs it when it runs as root), or set TOTES_CHROMIUM',
    );
  // As root, Chromium refuses to start sandboxed; the pages it opens are the dashboard's own.
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

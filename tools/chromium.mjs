// The browser tests drive Debian's chromium through playwright-core (Playwright's own browser download is not
// reachable everywhere). `npm test` installs it when it is missing and this machine can: apt-get, as root or through
// sudo without a password. When it cannot, it says so, and the browser tests fail with the same advice: they never
// skip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where the browser tests look for Chromium: TOTES_CHROMIUM, or Debian's. */
export function chromiumPath(env = process.env) {
  return env.TOTES_CHROMIUM ?? '/usr/bin/chromium';
}

/** Installs Debian's chromium unless it is there already; returns whether it is there now. */
export function ensureChromium({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const path = chromiumPath();
  if (existsSync(path)) return true;
  if (process.env.TOTES_CHROMIUM) {
    log(`setup: TOTES_CHROMIUM names ${path}, which does not exist: the browser tests will fail`);
    return false;
  }
  const asRoot = process.getuid?.() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  const canInstall =
    existsSync('/usr/bin/apt-get') &&
    (asRoot || spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0);
  if (!canInstall) {
    log(
      'setup: Chromium is missing and this machine cannot install it (apt-get as root): run `apt-get install -y chromium`; until then the browser tests fail',
    );
    return false;
  }
  log("setup: installing Debian's chromium for the browser tests (apt-get install -y chromium)…");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['apt-get', 'update', '-q'],
    ['apt-get', 'install', '-y', '-q', 'chromium'],
  ]) {
    const [command, ...rest] = [...prefix, ...args];
    const result = spawnSync(command, rest, { stdio: 'inherit', env });
    if (result.status !== 0) {
      log(`setup: \`${args.join(' ')}\` failed (exit ${result.status}): the browser tests will fail`);
      return false;
    }
  }
  return existsSync(path);
}

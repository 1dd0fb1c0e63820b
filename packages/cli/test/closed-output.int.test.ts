import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

/** `pnpm start 2>&1 | tee start.log`, then Ctrl-C: the same signal ends `tee` before the platform stops. */
describe('totes start under a pipe whose reader has gone', () => {
  let stateDir: string;
  let child: ChildProcess;
  const said: string[] = [];
  const postmasterPidFile = () => join(stateDir, 'postgres', 'postmaster.pid');

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'totes-closed-output-'));
    const env: NodeJS.ProcessEnv = { ...process.env, TOTES_STATE_DIR: stateDir };
    for (const name of [
      'TOTES_SOURCE_URL',
      'TOTES_WAREHOUSE_URL',
      'TOTES_LAKE_URL',
      'TOTES_LOG',
      'TOTES_USE_AWS',
      'AWS_ENDPOINT_URL',
    ])
      delete env[name];
    child = spawn(
      process.execPath,
      ['--import', 'tsx', bin, 'start', '--scale', '0.01', '--interval', '500'],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (chunk) => said.push(String(chunk)));
    child.stderr?.on('data', (chunk) => said.push(String(chunk)));
    const running = await poll(() => said.join('').includes('detecting changes every'), 110_000);
    if (!running) throw new Error(`totes start did not come up:\n${said.join('').slice(-4000)}`);
  });
  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    // A postgres left running by a failed run is stopped here, so it does not outlive the test.
    const left = await postmasterPid(postmasterPidFile());
    if (left && isAlive(left)) {
      process.kill(left, 'SIGQUIT');
      await poll(() => !isAlive(left), 10_000);
    }
    await rm(stateDir, { recursive: true, force: true });
  });

  it("prints the dashboard's address, on 127.0.0.1, as it starts", () => {
    expect(said.join('')).toMatch(/dashboard: http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('drains and stops PostgreSQL on Ctrl-C when its stdout and stderr are closed', async () => {
    const postgres = await postmasterPid(postmasterPidFile());
    expect(postgres && isAlive(postgres)).toBe(true);
    child.stdout?.destroy();
    child.stderr?.destroy();
    const exited = once(child, 'exit');

    child.kill('SIGINT');
    const [code, signal] = await exited;

    expect({ code, signal }, said.join('').slice(-4000)).toEqual({ code: 0, signal: null });
    expect(await postmasterPid(postmasterPidFile())).toBeUndefined();
    expect(isAlive(postgres as number)).toBe(false);
  }, 90_000);
});

/** The postmaster's pid, from the first line of its pid file; undefined when the server is not running. */
async function postmasterPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  return pid > 0 ? pid : undefined;
}

/** Whether the process runs; a zombie whose parent has not reaped it (pg_ctl's server, in a container) does not. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function poll(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

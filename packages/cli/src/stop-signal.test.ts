import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const stopSignal = fileURLToPath(new URL('./stop-signal.ts', import.meta.url));

// A process that waits for its stop signal, then takes a while to "drain" before it says it stopped: the shape of
// `totes start`. It runs in a child process so that the real signals reach it.
const drainingProcess = `
  const { untilStopSignal } = await import(${JSON.stringify(stopSignal)});
  // Signal handlers keep no process alive; the platform's servers do, and this timer stands in for them.
  const alive = setInterval(() => {}, 1000);
  // Ready only once the handlers are in place: a signal sent on 'ready' must find them.
  const stopped = untilStopSignal((signal) => console.log('again ' + signal));
  console.log('ready');
  await stopped;
  console.log('draining');
  await new Promise((resolve) => setTimeout(resolve, 500));
  console.log('stopped.');
  clearInterval(alive);
`;

describe('untilStopSignal', () => {
  it('survives a second Ctrl-C during the drain, as npm start delivers it, and finishes the drain', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', drainingProcess], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    // A child that exits early fails the test at once, with how it ended, instead of at the wait's limit.
    child.once('exit', (code, signal) => {
      out += `[exited: code ${code}, signal ${signal}]`;
    });
    child.stderr.on('data', (chunk) => {
      out += String(chunk);
    });
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
    });
    await until(
      () => out.includes('ready'),
      () => out,
    );

    child.kill('SIGINT');
    await until(
      () => out.includes('draining'),
      () => out,
    );
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code, signal] = await exited;

    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(
      out
        .replace(/\[exited:.*\]$/, '')
        .trim()
        .split('\n'),
    ).toEqual(['ready', 'draining', 'again SIGINT', 'stopped.']);
  });
});

async function until(condition: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline || output().includes('[exited:'))
      throw new Error(`timed out waiting for the child process; it printed: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

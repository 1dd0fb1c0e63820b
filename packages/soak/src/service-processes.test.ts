import { ServiceName } from '@totes/model';
import { describe, expect, it } from 'vitest';
import {
  countLogLine,
  type ServiceCounters,
  startServiceProcesses,
  WorkerLogMessage,
} from './service-processes';

const fresh = (): ServiceCounters => ({
  retries: 0,
  deferrals: 0,
  deadLetteredByWorkers: 0,
  crashes: 0,
  kills: 0,
  killPointExits: 0,
  holds: 0,
  secretLines: 0,
});

describe('countLogLine', () => {
  it('counts retries, deferrals and dead letters from the workers’ JSON log lines', () => {
    const counters = fresh();
    const line = (message: string) => JSON.stringify({ level: 'warn', message, messageId: 'm' });

    countLogLine(line(WorkerLogMessage.retry), counters);
    countLogLine(line(WorkerLogMessage.retry), counters);
    countLogLine(line(WorkerLogMessage.deferral), counters);
    countLogLine(line(WorkerLogMessage.deadLetter), counters);

    expect(counters).toMatchObject({ retries: 2, deferrals: 1, deadLetteredByWorkers: 1 });
  });

  it('ignores other lines, including ones that are not JSON', () => {
    const counters = fresh();

    countLogLine('(node:1) Warning: something', counters);
    countLogLine('{"message":"serving"}', counters);
    countLogLine('{not json', counters);

    expect(counters).toEqual(fresh());
  });

  it('counts every line that holds a configured secret, JSON or not', () => {
    const counters = fresh();
    const secrets = ['soak-s3cret'];

    countLogLine('{"message":"connecting","url":"postgres://u:soak-s3cret@h/db"}', counters, secrets);
    countLogLine('Error: password soak-s3cret rejected', counters, secrets);
    countLogLine('{"message":"connecting","url":"postgres://u:***@h/db"}', counters, secrets);

    expect(counters.secretLines).toBe(2);
  });
});

// A process that says it is serving and then waits, as `totes serve` does: the supervisor is what is tested here.
const servingProcess = [
  '-e',
  'console.log(JSON.stringify({ message: "serving" })); setInterval(() => {}, 1000);',
];

describe('startServiceProcesses', () => {
  it('kills a service whose process has just killed itself by waiting for its restart, not for its exit', async () => {
    const services = await startServiceProcesses({
      services: [ServiceName.tableExtractor],
      env: {},
      intervalMs: 500,
      visibilityTimeoutSeconds: 5,
      claimLeaseSeconds: 20,
      restartDelayMs: 300,
      command: servingProcess,
    });
    try {
      const first = services.pid(ServiceName.tableExtractor);
      process.kill(first ?? 0, 'SIGKILL');
      await expect.poll(() => services.counters.killPointExits).toBe(1);

      await services.kill(ServiceName.tableExtractor);

      const restarted = services.pid(ServiceName.tableExtractor);
      expect(restarted).not.toBe(first);
      expect(() => process.kill(restarted ?? 0, 0)).not.toThrow();
    } finally {
      await services.stop();
    }
  }, 15_000);
});

import { describe, expect, it } from 'vitest';
import { createLogRecorder, stageTimings } from './stage-timings';

const handled = (service: string, time: string, durationMs: number, model?: string) =>
  JSON.stringify({
    time,
    level: 'debug',
    message: 'handled',
    service,
    ...(model ? { model } : {}),
    runId: 'run-1',
    messageId: `m-${time}`,
    durationMs,
  });

describe('stage timings', () => {
  it('keeps the handled lines of a run, and counts deferrals, retries and errors', () => {
    const recorder = createLogRecorder();
    recorder.write(handled('table-extractor', '2025-01-01T00:00:01.000Z', 500));
    recorder.write(
      JSON.stringify({
        time: 't',
        level: 'info',
        message: 'message deferred',
        delaySeconds: 2,
        reason: 'fact_payment waits for dim_date 2024-01-02',
      }),
    );
    recorder.write(
      JSON.stringify({ time: 't', level: 'warn', message: 'message failed; left on the queue for retry' }),
    );
    recorder.write(JSON.stringify({ time: 't', level: 'error', message: 'boom' }));

    expect(recorder.handledOf('run-1')).toEqual([
      expect.objectContaining({ service: 'table-extractor', durationMs: 500, model: undefined }),
    ]);
    expect(recorder.handledOf('run-2')).toEqual([]);
    expect([recorder.deferrals, recorder.retries, recorder.errors.length]).toEqual([1, 1, 1]);
    expect(recorder.deferralReasons).toEqual(['fact_payment waits for dim_date 2024-01-02 (for 2 s)']);
  });

  it('sums handling time per stage and spans it from the first start to the last end', () => {
    const recorder = createLogRecorder();
    const start = Date.parse('2025-01-01T00:00:00.000Z');
    recorder.write(handled('table-extractor', '2025-01-01T00:00:01.000Z', 800));
    recorder.write(handled('table-extractor', '2025-01-01T00:00:01.500Z', 1000));
    recorder.write(handled('dimension-builder', '2025-01-01T00:00:02.000Z', 300, 'dim_staff'));
    recorder.write(handled('fact-builder', '2025-01-01T00:00:02.200Z', 400, 'fact_payment'));
    recorder.write(handled('warehouse-loader', '2025-01-01T00:00:03.000Z', 600));

    const stages = stageTimings(recorder.handledOf('run-1'), start, 50);

    expect(stages.detect).toEqual({ messages: 1, busyMs: 50, spanMs: 50, startOffsetMs: 0, endOffsetMs: 50 });
    expect(stages.extract).toEqual({
      messages: 2,
      busyMs: 1800,
      spanMs: 1300,
      startOffsetMs: 200,
      endOffsetMs: 1500,
    });
    expect(stages.build).toMatchObject({ messages: 2, busyMs: 700, spanMs: 500 });
    expect(stages.load).toMatchObject({ messages: 1, busyMs: 600, spanMs: 600, endOffsetMs: 3000 });
  });
});

import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLambdaLogger, createPlatformMetrics } from './observability';

// Powertools writes to stdout and stderr (warnings and errors) through a console of its own; the lines are caught
// where they leave.
let lines: Record<string, unknown>[];
beforeEach(() => {
  lines = [];
  const catchLines = (chunk: unknown) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(catchLines);
  vi.spyOn(process.stderr, 'write').mockImplementation(catchLines);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const context = {
  functionName: 'totes-test-warehouse-loader',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:totes-test-warehouse-loader',
  memoryLimitInMB: '512',
  awsRequestId: 'request-1',
} as Context;

describe('createLambdaLogger', () => {
  it('writes Powertools JSON lines with the service, the fields and the invocation’s context', () => {
    const { logger, addContext } = createLambdaLogger('warehouse-loader');
    addContext(context);

    logger
      .child({ runId: 'run-1', service: 'ignored' })
      .info('model loaded', { model: 'dim_currency', rows: 3 });

    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'model loaded',
        service: 'totes-warehouse-loader',
        runId: 'run-1',
        model: 'dim_currency',
        rows: 3,
        function_request_id: 'request-1',
      }),
    ]);
  });

  it('redacts connection passwords from messages, fields and errors, and keeps an error’s cause', () => {
    const { logger } = createLambdaLogger('change-detector');
    const cause = new Error('connect to postgres://reader:hunter2@db:5432/totesys refused');

    logger.error('cycle failed', {
      url: 'postgres://reader:hunter2@db/totesys',
      error: new Error('x', { cause }),
    });

    expect(JSON.stringify(lines)).not.toContain('hunter2');
    expect(JSON.stringify(lines[0]?.error)).toContain('refused');
  });

  it('leaves out debug lines unless asked for them', () => {
    const { logger } = createLambdaLogger('fact-builder');

    logger.debug('handled');

    expect(lines).toEqual([]);
  });
});

describe('createPlatformMetrics', () => {
  it('publishes a source table’s lag as EMF in Totes, with the stage and table as its only dimensions', () => {
    const metrics = createPlatformMetrics('production');

    metrics.sourceLag('sales_order', 42.5);
    metrics.sourceLag('currency', 3);

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Totes',
            Dimensions: [['stage', 'table']],
            Metrics: [{ Name: 'SourceLagSeconds', Unit: 'Seconds' }],
          },
        ],
      },
      stage: 'production',
      table: 'sales_order',
      SourceLagSeconds: 42.5,
    });
    expect(lines[0]).not.toHaveProperty('service');
    expect(lines[1]).toMatchObject({ table: 'currency', SourceLagSeconds: 3 });
  });
});

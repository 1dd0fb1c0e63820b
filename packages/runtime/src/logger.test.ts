import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'debug') {
  const lines: string[] = [];
  return { lines, options: { level, write: (line: string) => lines.push(line) } };
}

describe('createLogger', () => {
  it('writes one JSON line with the time, level, message, its context and the call fields', () => {
    const { lines, options } = capture();
    const logger = createLogger({ service: 'table-extractor' }, options);

    logger.info('table extracted', { table: 'staff', rows: 3 });

    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const entry = JSON.parse(lines[0] ?? '');
    expect(entry).toEqual({
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      level: 'info',
      message: 'table extracted',
      service: 'table-extractor',
      table: 'staff',
      rows: 3,
    });
  });

  it('adds the fields of a child to every line, keeping the parent fields', () => {
    const { lines, options } = capture();
    const child = createLogger({ service: 'dimension-builder' }, options).child({
      runId: 'r1',
      model: 'dim_staff',
    });

    child.warn('slow');

    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'warn',
      service: 'dimension-builder',
      runId: 'r1',
      model: 'dim_staff',
    });
  });

  it('drops lines below its level', () => {
    const { lines, options } = capture('warn');
    const logger = createLogger({}, options);

    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');

    expect(lines.map((line) => JSON.parse(line).message)).toEqual(['w', 'e']);
  });

  it('redacts the password of a connection URL anywhere in the line', () => {
    const { lines, options } = capture();
    const logger = createLogger({ sourceUrl: 'postgres://reader:hunter2@db:5432/totesys' }, options);

    logger.error('connect failed', { error: new Error('cannot reach postgres://loader:s3cret@dw/dw') });

    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('s3cret');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      sourceUrl: 'postgres://reader:***@db:5432/totesys',
      error: { message: 'cannot reach postgres://loader:***@dw/dw' },
    });
  });

  it('writes an error as its name, message, code and the top of its stack', () => {
    const { lines, options } = capture();
    const error = Object.assign(new TypeError('bad input'), { code: 'E_BAD' });

    createLogger({}, options).error('failed', { error });

    const logged = JSON.parse(lines[0] ?? '').error;
    expect(logged).toMatchObject({ name: 'TypeError', message: 'bad input', code: 'E_BAD' });
    expect(logged.stack.split('\n')).toHaveLength(4);
  });
});

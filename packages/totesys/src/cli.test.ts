import { describe, expect, it } from 'vitest';
import { parseTotesysCliArgs, runTotesysCli } from './cli';
import { TotesysCliArgumentsError } from './errors';

const url = 'postgres://u:p@127.0.0.1:1/totesys';

describe('parseTotesysCliArgs', () => {
  it('reads seed with its url, scale and seed', () => {
    expect(parseTotesysCliArgs(['seed', '--url', url, '--scale', '0.5', '--seed', '9'], {})).toEqual({
      command: 'seed',
      url,
      seed: 9,
      scale: 0.5,
      ifEmpty: false,
    });
  });

  it('defaults seed to scale 1 and takes the url from TOTESYS_URL', () => {
    expect(parseTotesysCliArgs(['seed', '--if-empty'], { TOTESYS_URL: url })).toMatchObject({
      url,
      scale: 1,
      ifEmpty: true,
    });
  });

  it('reads mutate with a count and a list of kinds', () => {
    expect(
      parseTotesysCliArgs(
        ['mutate', '--url', url, '--count', '3', '--kinds', 'payment_paid,design_renamed'],
        {},
      ),
    ).toMatchObject({ command: 'mutate', count: 3, kinds: ['payment_paid', 'design_renamed'] });
  });

  it('keeps a non-numeric seed as text', () => {
    expect(parseTotesysCliArgs(['mutate', '--url', url, '--seed', 'demo'], {})).toMatchObject({
      seed: 'demo',
    });
  });

  it.each([
    [['seed'], 'no url'],
    [['seed', '--url', url, '--scale', '0'], 'a zero scale'],
    [['seed', '--url', url, '--scale', 'lots'], 'a non-numeric scale'],
    [['mutate', '--url', url, '--count', '1.5'], 'a fractional count'],
    [['drop', '--url', url], 'an unknown command'],
    [['seed', '--url', url, '--bogus'], 'an unknown option'],
  ])('refuses %j (%s)', (argv) => {
    expect(() => parseTotesysCliArgs(argv, {})).toThrow(TotesysCliArgumentsError);
  });
});

describe('runTotesysCli', () => {
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runTotesysCli(
      argv,
      { out: (text) => out.push(text), err: (text) => err.push(text) },
      {},
    );
    return { code, out: out.join(''), err: err.join('') };
  };

  it('prints the DDL', async () => {
    const { code, out } = await run(['ddl']);

    expect(code).toBe(0);
    expect(out).toContain('CREATE TABLE IF NOT EXISTS public."payment"');
  });

  it('reports bad arguments on stderr with exit code 2, before touching any database', async () => {
    const { code, err } = await run(['mutate', '--url', url, '--count', '-1']);

    expect(code).toBe(2);
    expect(err).toContain('--count');
  });

  it('refuses unknown mutation kinds with exit code 1, before connecting', async () => {
    const { code, err } = await run(['mutate', '--url', url, '--kinds', 'meteor_strike']);

    expect(code).toBe(1);
    expect(err).toContain('meteor_strike');
  });
});

import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact';

describe('redactSecrets', () => {
  it.each([
    ['postgres://totes:hunter2@db:5432/warehouse', 'postgres://totes:***@db:5432/warehouse'],
    ['postgresql://u:p%40ss@localhost/db?sslmode=require', 'postgresql://u:***@localhost/db?sslmode=require'],
    ['connect to postgres://a:b@c/d failed: timeout', 'connect to postgres://a:***@c/d failed: timeout'],
    [
      'source postgres://a:one@h/s, warehouse postgres://b:two@h/w',
      'source postgres://a:***@h/s, warehouse postgres://b:***@h/w',
    ],
    ['{"url":"postgres://a:secret@h/db","x":1}', '{"url":"postgres://a:***@h/db","x":1}'],
    ['https://user:token@github.com/org/repo', 'https://user:***@github.com/org/repo'],
  ])('hides the password in %s', (text, redacted) => {
    expect(redactSecrets(text)).toBe(redacted);
  });

  it('hides the whole of a password that holds a raw @, which pg accepts (user p@ss)', () => {
    expect(redactSecrets('postgres://totes:p@ss@db:5432/warehouse')).toBe(
      'postgres://totes:***@db:5432/warehouse',
    );
  });

  it.each([
    'postgres://totes@db:5432/warehouse',
    'postgres://db:5432/warehouse',
    's3://bucket/raw/staff/',
    'file:///tmp/lake',
    'no url here: a:b@c',
  ])('leaves %s as it is: it holds no password', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});

import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { InvalidSecretError, SecretUnavailableError } from './errors';
import { databaseUrlOf, secretsManagerReader } from './secrets';

const id = 'arn:aws:secretsmanager:eu-west-2:1:secret:totes-dev-warehouse-AbCdEf';

describe('databaseUrlOf', () => {
  it('takes the URL of a {"url": …} secret', () => {
    expect(databaseUrlOf(id, JSON.stringify({ url: 'postgres://loader:pw@db:5432/warehouse' }))).toBe(
      'postgres://loader:pw@db:5432/warehouse',
    );
  });

  it('builds the URL from the fields of an RDS-managed secret, escaping what needs it', () => {
    const secret = {
      username: 'loader',
      password: 'p@ss:w/rd',
      host: 'db.example',
      port: 5433,
      dbname: 'warehouse',
    };

    expect(databaseUrlOf(id, JSON.stringify({ ...secret, sslmode: 'require' }))).toBe(
      'postgres://loader:p%40ss%3Aw%2Frd@db.example:5433/warehouse?sslmode=require',
    );
    expect(databaseUrlOf(id, JSON.stringify({ ...secret, port: undefined }))).toContain('@db.example:5432/');
  });

  it('verifies the server of an RDS-managed secret that names no sslmode', () => {
    const secret = { username: 'loader', password: 'pw', host: 'db.example', dbname: 'warehouse' };

    expect(databaseUrlOf(id, JSON.stringify(secret))).toBe(
      'postgres://loader:pw@db.example:5432/warehouse?sslmode=verify-full',
    );
  });

  it.each([
    ['not JSON', 'postgres://loader:hunter2@db/warehouse', /is not JSON/],
    [
      'neither a URL nor RDS fields',
      JSON.stringify({ username: 'loader', password: 'hunter2' }),
      /lacks host, dbname/,
    ],
    [
      'a URL of another kind',
      JSON.stringify({ url: 'mysql://loader:hunter2@db/warehouse' }),
      /postgres:\/\//,
    ],
  ])('refuses a secret that is %s, without ever echoing it', (_case, secret, message) => {
    expect(() => databaseUrlOf(id, secret)).toThrow(InvalidSecretError);
    expect(() => databaseUrlOf(id, secret)).toThrow(message);
    expect(() => databaseUrlOf(id, secret)).not.toThrow(/hunter2/);
  });
});

describe('secretsManagerReader', () => {
  const clientReturning = (result: () => Promise<unknown>) =>
    ({ send: () => result() }) as unknown as SecretsManagerClient;

  it('reads a secret’s string value', async () => {
    const reader = secretsManagerReader(clientReturning(async () => ({ SecretString: '{"url":"x"}' })));

    await expect(reader.read(id)).resolves.toBe('{"url":"x"}');
  });

  it('says which secret could not be read, keeping the cause', async () => {
    const denied = new Error('AccessDeniedException');
    const reader = secretsManagerReader(clientReturning(() => Promise.reject(denied)));

    const error = await reader.read(id).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as Error).message).toBe(`secret ${id} could not be read`);
    expect((error as Error).cause).toBe(denied);
  });

  it('refuses a secret that has no string value yet', async () => {
    const reader = secretsManagerReader(clientReturning(async () => ({})));

    await expect(reader.read(id)).rejects.toBeInstanceOf(InvalidSecretError);
  });
});

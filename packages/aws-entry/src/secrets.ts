import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { postgresUrl } from '@totes/runtime';
import { InvalidSecretError, SecretUnavailableError } from './errors';

/** Reads a secret's current value. */
export interface SecretReader {
  read(secretId: string): Promise<string>;
}

/** A {@link SecretReader} over AWS Secrets Manager. */
export function secretsManagerReader(client: SecretsManagerClient): SecretReader {
  return {
    async read(secretId) {
      let value: string | undefined;
      try {
        value = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
      } catch (cause) {
        throw new SecretUnavailableError(secretId, { cause });
      }
      if (!value) throw new InvalidSecretError(secretId, 'has no string value');
      return value;
    },
  };
}

/**
 * The PostgreSQL URL held by a database secret. Two shapes are accepted: `{"url": "postgres://…"}`, or the shape
 * RDS writes for a managed secret, `{"username", "password", "host", "port", "dbname"}` (plus an optional
 * `"sslmode"`, `verify-full` when absent: RDS serves TLS with Amazon's certificates, which the functions trust).
 * Errors name the secret and what is wrong, never a value from it.
 *
 * @throws {@link InvalidSecretError}
 */
export function databaseUrlOf(secretId: string, secret: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    throw new InvalidSecretError(
      secretId,
      'is not JSON; expected {"url": "postgres://…"} or RDS credentials',
    );
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new InvalidSecretError(secretId, 'is not an object');
  const fields = parsed as Record<string, unknown>;
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : undefined);
  const url = text('url') ?? fromParts(secretId, fields, text);
  try {
    return postgresUrl(`secret ${secretId}`, url);
  } catch {
    throw new InvalidSecretError(secretId, 'does not hold a postgres:// URL with a database');
  }
}

function fromParts(
  secretId: string,
  fields: Record<string, unknown>,
  text: (name: string) => string | undefined,
): string {
  const missing = ['username', 'password', 'host', 'dbname'].filter((name) => !text(name));
  if (missing.length > 0)
    throw new InvalidSecretError(secretId, `has no "url" and lacks ${missing.join(', ')}`);
  const port = fields.port === undefined ? '5432' : String(fields.port);
  if (!/^\d{1,5}$/.test(port)) throw new InvalidSecretError(secretId, 'has a port that is not a number');
  const sslmode = text('sslmode') ?? 'verify-full';
  const user = encodeURIComponent(text('username')!);
  const password = encodeURIComponent(text('password')!);
  const database = encodeURIComponent(text('dbname')!);
  return `postgres://${user}:${password}@${text('host')}:${port}/${database}?sslmode=${encodeURIComponent(sslmode)}`;
}

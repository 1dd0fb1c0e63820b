import { createHash } from 'node:crypto';
import { lakeTypes } from '@totes/runtime';
import pg from 'pg';

/** The longest a dashboard query may run: a slow aggregate fails its panel, never the warehouse. */
export const statementTimeoutMs = 2_000;

/** The role the dashboard reads as, when it may create one. */
export const dashboardRole = 'totes_dashboard';

/**
 * A small pool whose every session is read-only and stops any statement after {@link statementTimeoutMs}, whatever
 * the role: the role's own settings say the same when {@link ensureReadOnlyRole} made it.
 */
export function createReadOnlyPool(url: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 3,
    types: lakeTypes,
    application_name: 'totes-dashboard',
    options: `-c TimeZone=UTC -c default_transaction_read_only=on -c statement_timeout=${statementTimeoutMs}`,
    connectionTimeoutMillis: 5_000,
  });
  // A lost connection fails the panel that was using it; it must not end the process.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

/**
 * Makes (or updates) the login role {@link dashboardRole}: SELECT on the schemas' tables and nothing else,
 * `default_transaction_read_only` on and a `statement_timeout` of 2 s, and returns a URL that logs in as it. Its
 * password is derived from the admin's, so every dashboard of this warehouse computes the same one. When the
 * admin URL's role may not create roles, the URL comes back unchanged, with the reason: the session settings of
 * {@link createReadOnlyPool} still hold.
 */
export async function ensureReadOnlyRole(
  adminUrl: string,
  schemas: readonly string[],
): Promise<{ url: string; role: string; note?: string }> {
  const admin = new pg.Client({ connectionString: adminUrl, application_name: 'totes-dashboard-setup' });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ allowed: boolean; database: string; user: string }>(
      `SELECT (rolsuper OR rolcreaterole) AS allowed, current_database() AS database, current_user AS user
       FROM pg_roles WHERE rolname = current_user`,
    );
    const self = rows[0];
    if (!self?.allowed)
      return {
        url: adminUrl,
        role: self?.user ?? 'unknown',
        note: `${self?.user} may not create roles: the dashboard reads as it, in read-only sessions`,
      };
    const password = derivedPassword(adminUrl, self.database);
    await createRole(admin, password);
    await grantReading(admin, self.database, schemas);
    const url = new URL(adminUrl);
    url.username = dashboardRole;
    url.password = password;
    return { url: url.toString(), role: dashboardRole };
  } finally {
    await admin.end();
  }
}

async function createRole(admin: pg.Client, password: string): Promise<void> {
  const role = pg.escapeIdentifier(dashboardRole);
  await admin.query(
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${pg.escapeLiteral(dashboardRole)}) THEN
         CREATE ROLE ${role} LOGIN;
       END IF;
     EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another dashboard made it first
     END $$`,
  );
  await admin.query(
    `ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${pg.escapeLiteral(password)}`,
  );
  await admin.query(`ALTER ROLE ${role} SET default_transaction_read_only = on`);
  await admin.query(
    `ALTER ROLE ${role} SET statement_timeout = ${pg.escapeLiteral(`${statementTimeoutMs}ms`)}`,
  );
}

async function grantReading(admin: pg.Client, database: string, schemas: readonly string[]): Promise<void> {
  const role = pg.escapeIdentifier(dashboardRole);
  await admin.query(`GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(database)} TO ${role}`);
  const { rows } = await admin.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])',
    [[...new Set(schemas)]],
  );
  for (const { nspname } of rows) {
    const schema = pg.escapeIdentifier(nspname);
    await admin.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
    await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
    // Tables the platform adds later are readable too (it creates them as this same admin).
    await admin.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${role}`);
  }
}

function derivedPassword(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  return createHash('sha256')
    .update(`totes-dashboard\0${decodeURIComponent(url.password)}\0${url.host}\0${database}`)
    .digest('base64url')
    .slice(0, 32);
}

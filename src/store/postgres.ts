import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { DrizzleStore } from './drizzleStore.js';
import { migrationsFolder } from './migrations.js';
import * as schema from './schema.js';
import type { Store } from './types.js';

export interface PostgresOptions {
  /** A postgres:// connection string. */
  url: string;
  /** The schema that holds the tables and the migrations journal (created if missing); default `public`. */
  schema?: string;
  /** Connections in the pool; default 10. */
  poolSize?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Returns the PostgreSQL store, migrated, with its tables in `options.schema`. */
export async function openPostgresStore(options: PostgresOptions): Promise<Store> {
  const target = options.schema ?? 'public';
  // The schema name goes into SQL and a connection option: only plain lower-case identifiers are accepted.
  if (!IDENTIFIER.test(target)) throw new RangeError(`invalid schema name "${target}"`);
  const bootstrap = new pg.Client({ connectionString: options.url });
  await bootstrap.connect();
  try {
    await bootstrap.query(`create schema if not exists "${target}"`);
  } finally {
    await bootstrap.end();
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    options: `-c search_path=${target}`,
  });
  // An idle client's error (a server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = drizzle({ client: pool, schema });
  try {
    await migrate(db, { migrationsFolder: migrationsFolder(), migrationsSchema: target });
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new DrizzleStore(db, 'postgres', () => pool.end());
}

/** Drops a schema and everything in it (tests and load tests clean up their own schema with it). */
export async function dropPostgresSchema(url: string, name: string): Promise<void> {
  if (!IDENTIFIER.test(name) || name === 'public') throw new RangeError(`refusing to drop schema "${name}"`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${name}" cascade`);
  } finally {
    await client.end();
  }
}

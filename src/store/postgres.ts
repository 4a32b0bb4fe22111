import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { DrizzleStore } from './drizzleStore.js';
import { migrationsFolder } from './migrations.js';
import * as schema from './schema.js';
import type { Store } from './types.js';
import { DEFAULT_LEASE_MS, WriterLease, type WriterOptions } from './writerLease.js';

export interface PostgresOptions {
  /** A postgres:// connection string. */
  url: string;
  /** The schema that holds the tables and the migrations journal (created if missing); default `public`. */
  schema?: string;
  /** Connections in the pool; default 10. */
  poolSize?: number;
  /** How the writer lease is taken and kept (refused by default while another writer holds it). */
  writer?: WriterOptions;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Returns the PostgreSQL store, migrated, with its tables in `options.schema`, holding the schema's writer
 * lease: a second writer is refused (WriterRefusedError) or, with `writer.standby`, waits for the lease.
 */
export async function openPostgresStore(options: PostgresOptions): Promise<Store> {
  const target = options.schema ?? 'public';
  // The schema name goes into SQL and a connection option: only plain lower-case identifiers are accepted.
  if (!IDENTIFIER.test(target)) throw new RangeError(`invalid schema name "${target}"`);
  const leaseMs = options.writer?.leaseMs ?? DEFAULT_LEASE_MS;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // A writer paused inside a transaction holds the lease row's share lock: the server ends such a session
    // after a lease's length, so that a standby can take over and the paused writer's transaction rolls back.
    options: `-c search_path=${target} -c idle_in_transaction_session_timeout=${leaseMs}`,
  });
  // An idle client's error (a server restart) must not crash the process; the next query reconnects. Nor must a
  // checked-out client's (its backend ended by a restart or pg_terminate_backend inside a transaction): pg emits
  // that on the client, where an unheard 'error' would end the process; the query in flight rejects instead.
  // The cluster's workers found it (test/cluster/resilience.test.ts); the service and a gateway share this pool.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = drizzle({ client: pool, schema });
  try {
    await migrateLocked(options.url, target, () =>
      migrate(db, { migrationsFolder: migrationsFolder(), migrationsSchema: target }),
    );
    const lease = await WriterLease.acquire(db, `PostgreSQL schema "${target}"`, options.writer);
    return new DrizzleStore(db, 'postgres', () => pool.end(), lease);
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** Creates the schema if missing and runs `migrate` under an advisory lock: processes starting together migrate once. */
async function migrateLocked(url: string, target: string, migrate: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`unimargin migrate ${target}`]);
    await client.query(`create schema if not exists "${target}"`);
    await migrate();
  } finally {
    await client.end();
  }
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

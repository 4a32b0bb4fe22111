// A worker's PostgreSQL: a pool on the cluster's schema and the store_writer rows of the partition leases.
import pg from 'pg';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from '../store/schema.js';
import type { StoreDatabase } from '../store/index.js';
import { CLUSTER_SETTING, MAX_PARTITIONS, PARTITION_ROW_BASE } from './partitions.js';

/** An open pool and its drizzle database. */
export interface WorkerDb {
  db: StoreDatabase;
  close: () => Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Returns a pool on `schema` (tables migrated by the gateway, which opens the store). As the store's own pool
 * does, the server ends a session left idle inside a transaction after a lease's length, so that a paused
 * worker's transaction cannot hold a partition's lease row from the next owner.
 */
export function openWorkerDb(url: string, target: string, leaseMs: number, poolSize = 4): WorkerDb {
  if (!IDENTIFIER.test(target)) throw new RangeError(`invalid schema name "${target}"`);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    options: `-c search_path=${target} -c idle_in_transaction_session_timeout=${leaseMs}`,
  });
  // An idle client's error and a checked-out client's (its backend ended by a restart or pg_terminate_backend
  // while a transaction ran) must not crash the worker: the query in flight rejects, and the partition resumes
  // from its stored position. pg emits a checked-out client's error on the client, which has no listener.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return { db: drizzle({ client: pool, schema }), close: () => pool.end() };
}

/** Creates the lease rows of partitions 0 .. partitions-1 if missing (free: epoch 0, expired). */
export async function ensurePartitionRows(db: StoreDatabase, partitions: number): Promise<void> {
  await db.execute(sql`insert into store_writer (id, epoch, owner, acquired_at, expires_at)
    select ${PARTITION_ROW_BASE} + p, 0, '{}'::jsonb, 0, 0 from generate_series(0, ${partitions - 1}) as p
    on conflict (id) do nothing`);
}

/** Returns the cluster's partition count from its setting, undefined until a gateway has recorded it. */
export async function storedPartitions(db: StoreDatabase): Promise<number | undefined> {
  const [row] = await db.select().from(schema.settings).where(eq(schema.settings.key, CLUSTER_SETTING));
  const value = (row?.value as { partitions?: unknown } | undefined)?.partitions;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_PARTITIONS
    ? value
    : undefined;
}

import { join } from 'node:path';
import { openPgliteStore } from './pglite.js';
import { openPostgresStore } from './postgres.js';
import type { Store } from './types.js';
import type { WriterOptions } from './writerLease.js';

export interface StoreConfig {
  /** A postgres:// URL: use PostgreSQL. Absent: the embedded store. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema for the tables (default `public`). */
  databaseSchema?: string | undefined;
  /** Data directory of the embedded store; the database lives in `<dataDir>/pglite`. Absent: in memory. */
  dataDir?: string | undefined;
  /** The writer lease: refuse (default) or wait as a standby while another process holds the store. */
  writer?: WriterOptions | undefined;
}

/** Returns the configured store, open, migrated and holding its writer lease. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const writer = config.writer ?? {};
  if (config.databaseUrl !== undefined) {
    return openPostgresStore({
      url: config.databaseUrl,
      ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
      writer,
    });
  }
  return openPgliteStore(config.dataDir === undefined ? undefined : join(config.dataDir, 'pglite'), writer);
}

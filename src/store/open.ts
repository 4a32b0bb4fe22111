import { join } from 'node:path';
import { openPgliteStore } from './pglite.js';
import { openPostgresStore } from './postgres.js';
import type { Store } from './types.js';

export interface StoreConfig {
  /** A postgres:// URL: use PostgreSQL. Absent: the embedded store. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema for the tables (default `public`). */
  databaseSchema?: string | undefined;
  /** Data directory of the embedded store; the database lives in `<dataDir>/pglite`. Absent: in memory. */
  dataDir?: string | undefined;
}

/** Returns the configured store, open and migrated. */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.databaseUrl !== undefined) {
    return openPostgresStore({
      url: config.databaseUrl,
      ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
    });
  }
  return openPgliteStore(config.dataDir === undefined ? undefined : join(config.dataDir, 'pglite'));
}

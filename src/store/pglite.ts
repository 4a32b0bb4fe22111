import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { DataDirLock } from './dataDirLock.js';
import { DrizzleStore } from './drizzleStore.js';
import { migrationsFolder } from './migrations.js';
import * as schema from './schema.js';
import type { Store } from './types.js';
import { WriterLease, type WriterOptions } from './writerLease.js';

/**
 * Returns the embedded store, migrated, holding its writer lease: PostgreSQL compiled to WebAssembly, in
 * `dataDir` (created if missing) or in memory when `dataDir` is undefined. A directory is locked first by the
 * lock file `<dataDir>.lock`: a second process is refused (WriterRefusedError) or, with `standby`, waits.
 */
export async function openPgliteStore(dataDir?: string, writer: WriterOptions = {}): Promise<Store> {
  let lock: DataDirLock | undefined;
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    lock = await DataDirLock.acquire(`${dataDir}.lock`, writer);
  }
  try {
    const client = await PGlite.create(dataDir);
    const db = drizzle({ client, schema });
    try {
      await migrate(db, { migrationsFolder: migrationsFolder() });
      const lease = await WriterLease.acquire(db, 'the embedded store', writer, true);
      return new DrizzleStore(db, 'pglite', () => client.close().finally(() => lock?.release()), lease);
    } catch (error) {
      await client.close();
      throw error;
    }
  } catch (error) {
    lock?.release();
    throw error;
  }
}

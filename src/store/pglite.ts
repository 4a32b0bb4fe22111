import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { DrizzleStore } from './drizzleStore.js';
import { migrationsFolder } from './migrations.js';
import * as schema from './schema.js';
import type { Store } from './types.js';

/**
 * Returns the embedded store, migrated: PostgreSQL compiled to WebAssembly, in `dataDir` (created if missing)
 * or in memory when `dataDir` is undefined.
 */
export async function openPgliteStore(dataDir?: string): Promise<Store> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzle({ client, schema });
  await migrate(db, { migrationsFolder: migrationsFolder() });
  return new DrizzleStore(db, 'pglite', () => client.close());
}

export * from './types.js';
export { DrizzleStore, type StoreDatabase } from './drizzleStore.js';
export { openPgliteStore } from './pglite.js';
export { openPostgresStore, dropPostgresSchema, type PostgresOptions } from './postgres.js';
export { openStore, type StoreConfig } from './open.js';

// Public API of the store layer: the one Store interface with its row types, and the ways to open one.
export type {
  AccountRow,
  AlertLevelRow,
  AlertRow,
  ApiKeyRow,
  HistoryPoint,
  HistoryQuery,
  HistoryRollup,
  HistoryRow,
  InstrumentRow,
  Json,
  MarketEventRow,
  NewEvent,
  StateSnapshotRow,
  Store,
  StoredEvent,
  WebhookRow,
} from './types.js';
export {
  DAY_MS,
  HISTORY_LEVELS,
  HOUR_MS,
  MINUTE_MS,
  ROLLUP_EVERY_MS,
  type HistoryLevel,
} from './historyRollup.js';
export { DrizzleStore, type StoreDatabase } from './drizzleStore.js';
export { openPgliteStore } from './pglite.js';
export { openPostgresStore, dropPostgresSchema, type PostgresOptions } from './postgres.js';
export { openStore, type StoreConfig } from './open.js';
export {
  DEFAULT_LEASE_MS,
  describeOwner,
  StaleWriterError,
  WriterRefusedError,
  type WriterHolder,
  type WriterOptions,
} from './writerLease.js';

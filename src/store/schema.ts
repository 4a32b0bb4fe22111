// The one relational schema of the service, for both drivers (PGlite embedded, PostgreSQL). drizzle-kit
// generates the migrations in drizzle/ from this file. Tables are unqualified (no pgSchema) so that a
// deployment, or a test run, can place them in any schema through the connection's search_path. There are no
// foreign keys: drizzle-kit would qualify their targets with "public".
import {
  bigint,
  bigserial,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Book-level settings (name, reporting currency, offset policy, default model, parameters) and flags. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
});

/** Instrument definitions, as given (the book's input form). */
export const instruments = pgTable('instruments', {
  id: text('id').primaryKey(),
  definition: jsonb('definition').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

/** The account tree: one row per account with its definition (name, venue, model, parameters). */
export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
  parent: text('parent'),
  definition: jsonb('definition').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

/** The event log of balances and positions: one row per accepted event, in the order applied. */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: text('account_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull(),
    /** sha256 of the event's content: a replayed key with other content is refused. */
    digest: text('digest').notNull(),
    receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('events_account_seq').on(t.accountId, t.seq),
    uniqueIndex('events_account_key').on(t.accountId, t.idempotencyKey),
  ],
);

/** Market data in arrival order: full snapshots and batches of ticks; the state is the latest snapshot plus later ticks. */
export const marketEvents = pgTable('market_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  kind: text('kind').notNull(),
  payload: jsonb('payload').notNull(),
  receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
});

/** Snapshots of the ledger state (balances, positions, sequence numbers) after the event with id `eventId`. */
export const stateSnapshots = pgTable('state_snapshots', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventId: bigint('event_id', { mode: 'number' }).notNull(),
  state: jsonb('state').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

/** Margin of every node after each recompute. Risk figures are float64, so double precision, not numeric. */
export const marginHistory = pgTable(
  'margin_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    nodeId: text('node_id').notNull(),
    at: bigint('at', { mode: 'number' }).notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    equity: doublePrecision('equity').notNull(),
    im: doublePrecision('im').notNull(),
    mm: doublePrecision('mm').notNull(),
    marginRatio: doublePrecision('margin_ratio'),
    status: text('status').notNull(),
  },
  (t) => [index('margin_history_node_at').on(t.nodeId, t.at)],
);

/**
 * A node's margin history rolled up into buckets of `resolution` ms (a minute, an hour), aligned to the epoch:
 * recompute rows older than the recent window, and minute buckets older than theirs, become one row per node and
 * bucket (src/store/historyRollup.ts). The figures are the bucket's last (at, version, equity, IM, MM, margin
 * ratio, status), with its extremes and the number of recompute rows it holds.
 */
export const marginHistoryBuckets = pgTable(
  'margin_history_buckets',
  {
    nodeId: text('node_id').notNull(),
    resolution: bigint('resolution', { mode: 'number' }).notNull(),
    bucketStart: bigint('bucket_start', { mode: 'number' }).notNull(),
    /** When the bucket's last figures were computed. */
    at: bigint('at', { mode: 'number' }).notNull(),
    version: bigint('version', { mode: 'number' }).notNull(),
    equity: doublePrecision('equity').notNull(),
    im: doublePrecision('im').notNull(),
    mm: doublePrecision('mm').notNull(),
    marginRatio: doublePrecision('margin_ratio'),
    status: text('status').notNull(),
    equityMin: doublePrecision('equity_min').notNull(),
    equityMax: doublePrecision('equity_max').notNull(),
    imMax: doublePrecision('im_max').notNull(),
    mmMax: doublePrecision('mm_max').notNull(),
    /** The highest MM / equity of the bucket's rows that had one (null when none had). */
    marginRatioMax: doublePrecision('margin_ratio_max'),
    worstStatus: text('worst_status').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('margin_history_buckets_key').on(t.nodeId, t.resolution, t.bucketStart),
    index('margin_history_buckets_node_at').on(t.nodeId, t.at),
  ],
);

/** The alert level each node is in, kept so that a restart does not raise the same alert again. */
export const alertLevels = pgTable('alert_levels', {
  nodeId: text('node_id').primaryKey(),
  level: text('level').notNull(),
  at: bigint('at', { mode: 'number' }).notNull(),
});

/** Every alert raised, in order. */
export const alerts = pgTable(
  'alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    nodeId: text('node_id').notNull(),
    fromLevel: text('from_level').notNull(),
    toLevel: text('to_level').notNull(),
    marginRatio: doublePrecision('margin_ratio'),
    equity: doublePrecision('equity').notNull(),
    mm: doublePrecision('mm').notNull(),
    at: bigint('at', { mode: 'number' }).notNull(),
  },
  (t) => [index('alerts_node').on(t.nodeId, t.id)],
);

/** API keys: only a scrypt hash and its salt are kept; `lookup` (a prefix of the key's sha256) finds the row. */
export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  lookup: text('lookup').notNull().unique(),
  name: text('name').notNull(),
  salt: text('salt').notNull(),
  hash: text('hash').notNull(),
  scopes: jsonb('scopes').notNull(),
  root: text('root'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  revokedAt: bigint('revoked_at', { mode: 'number' }),
});

/** Webhook endpoints that receive the alerts of a subtree. */
export const webhooks = pgTable('webhooks', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  root: text('root'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

/**
 * The store's one writer: a single row (id 1) holding the lease. `epoch` is the fencing token: each new owner
 * increments it, and every write transaction checks, under a share lock on this row, that it still holds the
 * epoch it acquired. `expiresAt` is in the database's clock (ms), so the hosts' clocks never matter.
 */
export const storeWriter = pgTable('store_writer', {
  id: integer('id').primaryKey(),
  epoch: bigint('epoch', { mode: 'number' }).notNull(),
  /** Who holds it (process id, host, start), shown to a process that is refused. */
  owner: jsonb('owner').notNull(),
  acquiredAt: bigint('acquired_at', { mode: 'number' }).notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
});

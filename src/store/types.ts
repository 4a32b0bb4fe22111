// The store interface: everything the service keeps durably. Two implementations share one drizzle schema and
// one migrations folder: PGlite (embedded, the default) and PostgreSQL through `pg` (production).

/** Any JSON value (definitions, payloads, snapshots): kept as given; the service validates what it reads back. */
export type Json = unknown;

export interface AccountRow {
  id: string;
  parent: string | null;
  definition: Json;
  createdAt: number;
}

export interface InstrumentRow {
  id: string;
  definition: Json;
  createdAt: number;
}

/** An event to append: the per-account sequence number and idempotency key are checked by the service. */
export interface NewEvent {
  accountId: string;
  seq: number;
  idempotencyKey: string;
  kind: string;
  payload: Json;
  digest: string;
  receivedAt: number;
}

/** A stored event: `id` orders all events of the store. */
export interface StoredEvent extends NewEvent {
  id: number;
}

export interface MarketEventRow {
  id: number;
  kind: 'snapshot' | 'ticks';
  payload: Json;
  receivedAt: number;
}

export interface StateSnapshotRow {
  id: number;
  /** The id of the last event the state includes (0: none). */
  eventId: number;
  state: Json;
  createdAt: number;
}

export interface HistoryRow {
  nodeId: string;
  at: number;
  version: number;
  equity: number;
  im: number;
  mm: number;
  marginRatio: number | null;
  status: string;
}

/** What a history query asks: a time range (epoch ms, inclusive), a bucket length (0: as stored) and a cap. */
export interface HistoryQuery {
  from: number;
  to: number;
  /** Bucket length in ms; 0 returns the rows as stored (recomputes where recent, buckets where rolled up). */
  resolution: number;
  limit: number;
}

/**
 * A point of a node's history: a recompute row (resolution 0, count 1) or a bucket. The main figures are the
 * bucket's last; the extremes are over every recompute row it stands for.
 */
export interface HistoryPoint extends HistoryRow {
  /** Bucket length in ms (0: one recompute). */
  resolution: number;
  equityMin: number;
  equityMax: number;
  imMax: number;
  mmMax: number;
  /** Highest MM / equity among the rows that had one; null when none had. */
  marginRatioMax: number | null;
  worstStatus: string;
  /** Recompute rows the point stands for. */
  count: number;
}

/** What a roll-up did: rows taken in by each level (resolution in ms), as of `now`. */
export interface HistoryRollup {
  now: number;
  levels: { resolution: number; rows: number }[];
}

export interface AlertRow {
  id: number;
  nodeId: string;
  fromLevel: string;
  toLevel: string;
  marginRatio: number | null;
  equity: number;
  mm: number;
  at: number;
}

export interface ApiKeyRow {
  id: string;
  lookup: string;
  name: string;
  salt: string;
  hash: string;
  scopes: string[];
  root: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface WebhookRow {
  id: string;
  url: string;
  secret: string;
  root: string | null;
  createdAt: number;
}

/** Which alert level a node is in. */
export interface AlertLevelRow {
  nodeId: string;
  level: string;
  at: number;
}

/**
 * Durable state of the service. Every write resolves only once it is committed, and only while this store
 * holds the writer lease it took when opened (StaleWriterError otherwise: nothing was written).
 */
export interface Store {
  readonly kind: 'pglite' | 'postgres';
  /** The epoch of this store's writer lease: the fencing token every write is checked against. */
  readonly writerEpoch: number;
  /** Resolves when a trivial query answers. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Returns a setting's value, undefined when it is not set. */
  getSetting(key: string): Promise<Json>;
  putSetting(key: string, value: Json): Promise<void>;

  listInstruments(): Promise<InstrumentRow[]>;
  putInstruments(rows: readonly InstrumentRow[]): Promise<void>;
  listAccounts(): Promise<AccountRow[]>;
  putAccounts(rows: readonly AccountRow[]): Promise<void>;

  /** Appends events in one transaction, in order; returns them with their ids. */
  appendEvents(rows: readonly NewEvent[]): Promise<StoredEvent[]>;
  /** Returns the stored events of an account with any of the idempotency keys. */
  findEvents(accountId: string, idempotencyKeys: readonly string[]): Promise<StoredEvent[]>;
  /** Returns events with id > afterId, in id order, at most `limit`. */
  eventsAfter(afterId: number, limit: number): Promise<StoredEvent[]>;
  /** Returns an account's events with seq > afterSeq, in seq order, at most `limit`. */
  accountEvents(accountId: string, afterSeq: number, limit: number): Promise<StoredEvent[]>;

  appendMarketEvent(kind: 'snapshot' | 'ticks', payload: Json, receivedAt: number): Promise<number>;
  /** Returns the latest snapshot and every tick batch after it, in order (empty when there is none). */
  loadMarketEvents(): Promise<MarketEventRow[]>;

  saveStateSnapshot(eventId: number, state: Json, createdAt: number): Promise<void>;
  latestStateSnapshot(): Promise<StateSnapshotRow | undefined>;

  /** Appends history rows and keeps the highest of their versions as the last version, in one transaction. */
  appendHistory(rows: readonly HistoryRow[]): Promise<void>;
  /** Returns the highest margin version stored with history (0: none), so that versions continue after a restart. */
  lastVersion(): Promise<number>;
  /** Returns a node's history between from and to (inclusive, epoch ms), newest first, at most `limit`. */
  history(nodeId: string, from: number, to: number, limit: number): Promise<HistoryRow[]>;
  /** Returns a node's history over every level kept (recent rows, minute and hour buckets), newest first. */
  historyPoints(nodeId: string, query: HistoryQuery): Promise<HistoryPoint[]>;
  /**
   * Rolls history up as of `now` (epoch ms): older recompute rows into minute buckets, older minutes into hours
   * (src/store/historyRollup.ts). `appendHistory` runs it at most once a minute of the rows' time.
   */
  rollUpHistory(now: number): Promise<HistoryRollup>;

  loadAlertLevels(): Promise<AlertLevelRow[]>;
  /** Records alerts and the nodes' new levels in one transaction; returns the alerts with their ids. */
  recordAlerts(alerts: readonly Omit<AlertRow, 'id'>[]): Promise<AlertRow[]>;
  listAlerts(nodeIds: readonly string[] | null, limit: number): Promise<AlertRow[]>;

  insertApiKey(row: ApiKeyRow): Promise<void>;
  findApiKeyByLookup(lookup: string): Promise<ApiKeyRow | undefined>;
  listApiKeys(): Promise<ApiKeyRow[]>;
  revokeApiKey(id: string, at: number): Promise<boolean>;

  insertWebhook(row: WebhookRow): Promise<void>;
  listWebhooks(): Promise<WebhookRow[]>;
  deleteWebhook(id: string): Promise<boolean>;
}

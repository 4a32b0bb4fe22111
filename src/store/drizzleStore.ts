// The store's queries, once, over drizzle's PostgreSQL dialect: both drivers (PGlite, pg) run the same code.
// Every write is one transaction that first checks the writer lease's epoch (writerLease.ts), so a process that
// lost the store to a newer writer can write nothing.
import { and, asc, desc, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';
import type {
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
import type { WriterLease } from './writerLease.js';
import { historyPoints, rollUpHistory, ROLLUP_EVERY_MS } from './historyRollup.js';

/** A drizzle database over the service schema, whichever driver is under it. */
export type StoreDatabase = PgDatabase<PgQueryResultHKT, typeof schema>;
type Transaction = Parameters<Parameters<StoreDatabase['transaction']>[0]>[0];

/** Setting that keeps the last margin version stored with the history, so versions continue after a restart. */
const VERSION_SETTING = 'margin_version';

// Large inserts are split so that no statement carries more than PostgreSQL's 65,535 parameters.
const CHUNK = 1000;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

const toEvent = (r: typeof schema.events.$inferSelect): StoredEvent => ({ ...r, payload: r.payload });

/**
 * Inserts rows as one array parameter per column (`insert ... select from unnest(...)`): the statement is the
 * same whatever the row count, so building it costs nothing per row and no statement nears PostgreSQL's
 * parameter limit. The hot writes (events on every batch, history on every recompute) go this way; drizzle's
 * multi-row VALUES built a placeholder and a mapped value per cell, 10% of the service's CPU under events.
 */
function unnestInsert(
  table: string,
  columns: readonly (readonly [name: string, type: string, values: unknown[]])[],
  returning: string,
): ReturnType<typeof sql> {
  const names = sql.raw(columns.map(([name]) => name).join(', '));
  const arrays = sql.join(
    columns.map(([, type, values]) => sql`${sql.param(values)}::${sql.raw(type)}[]`),
    sql`, `,
  );
  const tail = returning === '' ? sql`` : sql.raw(` returning ${returning}`);
  return sql`insert into ${sql.identifier(table)} (${names}) select * from unnest(${arrays})${tail}`;
}

/** An events row as the driver returns it from a raw query: bigint columns may come back as strings. */
interface RawEventRow {
  id: string | number;
  account_id: string;
  seq: string | number;
  idempotency_key: string;
  kind: string;
  payload: unknown;
  digest: string;
  received_at: string | number;
}

const fromRawEvent = (r: RawEventRow): StoredEvent => ({
  id: Number(r.id),
  accountId: r.account_id,
  seq: Number(r.seq),
  idempotencyKey: r.idempotency_key,
  kind: r.kind,
  payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Json,
  digest: r.digest,
  receivedAt: Number(r.received_at),
});

/** The rows of a raw query's result (both drivers answer with `rows`). */
const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

const toApiKey = (r: typeof schema.apiKeys.$inferSelect): ApiKeyRow => ({
  ...r,
  scopes: Array.isArray(r.scopes) ? r.scopes.filter((s): s is string => typeof s === 'string') : [],
});

function upsertSetting(tx: Transaction, key: string, value: Json): Promise<unknown> {
  return tx
    .insert(schema.settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: schema.settings.key, set: { value } });
}

/** A Store over a drizzle database, written under a writer lease; `close` releases the lease and the driver. */
export class DrizzleStore implements Store {
  /** The history time of the last roll-up (the rows' clock); -Infinity: none yet in this process. */
  private rolledUpAt = -Infinity;

  constructor(
    private readonly db: StoreDatabase,
    readonly kind: Store['kind'],
    private readonly closeDriver: () => Promise<void>,
    private readonly lease: WriterLease,
  ) {}

  get writerEpoch(): number {
    return this.lease.epoch;
  }

  async close(): Promise<void> {
    try {
      await this.lease.release();
    } finally {
      await this.closeDriver();
    }
  }

  /** Runs `work` in one transaction that goes on only while this store's lease holds (StaleWriterError else). */
  private write<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await this.lease.check(tx);
      return work(tx);
    });
  }

  async ping(): Promise<void> {
    await this.db.execute(sql`select 1`);
  }

  async getSetting(key: string): Promise<Json> {
    const rows = await this.db.select().from(schema.settings).where(eq(schema.settings.key, key));
    return rows[0]?.value;
  }
  async putSetting(key: string, value: Json): Promise<void> {
    await this.write((tx) => upsertSetting(tx, key, value));
  }

  async listInstruments(): Promise<InstrumentRow[]> {
    return this.db.select().from(schema.instruments).orderBy(asc(schema.instruments.createdAt));
  }
  async putInstruments(rows: readonly InstrumentRow[]): Promise<void> {
    await this.write(async (tx) => {
      for (const part of chunks(rows)) {
        await tx
          .insert(schema.instruments)
          .values(part)
          .onConflictDoUpdate({
            target: schema.instruments.id,
            set: { definition: sql`excluded.definition` },
          });
      }
    });
  }
  async listAccounts(): Promise<AccountRow[]> {
    return this.db
      .select()
      .from(schema.accounts)
      .orderBy(asc(schema.accounts.createdAt), asc(schema.accounts.id));
  }
  async putAccounts(rows: readonly AccountRow[]): Promise<void> {
    await this.write(async (tx) => {
      for (const part of chunks(rows)) {
        await tx
          .insert(schema.accounts)
          .values(part)
          .onConflictDoUpdate({
            target: schema.accounts.id,
            set: { definition: sql`excluded.definition`, parent: sql`excluded.parent` },
          });
      }
    });
  }

  async appendEvents(rows: readonly NewEvent[]): Promise<StoredEvent[]> {
    if (rows.length === 0) return [];
    return this.write(async (tx) => {
      const out: StoredEvent[] = [];
      for (const part of chunks(rows)) {
        const inserted = await tx.execute(
          unnestInsert(
            'events',
            [
              ['account_id', 'text', part.map((r) => r.accountId)],
              ['seq', 'bigint', part.map((r) => r.seq)],
              ['idempotency_key', 'text', part.map((r) => r.idempotencyKey)],
              ['kind', 'text', part.map((r) => r.kind)],
              ['payload', 'jsonb', part.map((r) => JSON.stringify(r.payload))],
              ['digest', 'text', part.map((r) => r.digest)],
              ['received_at', 'bigint', part.map((r) => r.receivedAt)],
            ],
            '*',
          ),
        );
        out.push(...rowsOf<RawEventRow>(inserted).map(fromRawEvent));
      }
      return out.sort((a, b) => a.id - b.id);
    });
  }
  async findEvents(accountId: string, keys: readonly string[]): Promise<StoredEvent[]> {
    if (keys.length === 0) return [];
    const rows = await this.db
      .select()
      .from(schema.events)
      .where(and(eq(schema.events.accountId, accountId), inArray(schema.events.idempotencyKey, [...keys])));
    return rows.map(toEvent);
  }
  async eventsAfter(afterId: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .select()
      .from(schema.events)
      .where(gt(schema.events.id, afterId))
      .orderBy(asc(schema.events.id))
      .limit(limit);
    return rows.map(toEvent);
  }
  async accountEvents(accountId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .select()
      .from(schema.events)
      .where(and(eq(schema.events.accountId, accountId), gt(schema.events.seq, afterSeq)))
      .orderBy(asc(schema.events.seq))
      .limit(limit);
    return rows.map(toEvent);
  }

  async appendMarketEvent(kind: 'snapshot' | 'ticks', payload: Json, receivedAt: number): Promise<number> {
    const rows = await this.write((tx) =>
      tx
        .insert(schema.marketEvents)
        .values({ kind, payload, receivedAt })
        .returning({ id: schema.marketEvents.id }),
    );
    return rows[0]!.id;
  }
  async loadMarketEvents(): Promise<MarketEventRow[]> {
    const latest = await this.db
      .select({ id: schema.marketEvents.id })
      .from(schema.marketEvents)
      .where(eq(schema.marketEvents.kind, 'snapshot'))
      .orderBy(desc(schema.marketEvents.id))
      .limit(1);
    const from = latest[0]?.id;
    if (from === undefined) return [];
    const rows = await this.db
      .select()
      .from(schema.marketEvents)
      .where(gte(schema.marketEvents.id, from))
      .orderBy(asc(schema.marketEvents.id));
    return rows.map((r) => ({ ...r, kind: r.kind === 'snapshot' ? 'snapshot' : 'ticks' }));
  }

  async saveStateSnapshot(eventId: number, state: Json, createdAt: number): Promise<void> {
    await this.write((tx) => tx.insert(schema.stateSnapshots).values({ eventId, state, createdAt }));
  }
  async latestStateSnapshot(): Promise<StateSnapshotRow | undefined> {
    const rows = await this.db
      .select()
      .from(schema.stateSnapshots)
      .orderBy(desc(schema.stateSnapshots.id))
      .limit(1);
    return rows[0];
  }

  async appendHistory(rows: readonly HistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    const version = Math.max(...rows.map((r) => r.version));
    await this.write(async (tx) => {
      for (const part of chunks(rows))
        await tx.execute(
          unnestInsert(
            'margin_history',
            [
              ['node_id', 'text', part.map((r) => r.nodeId)],
              ['at', 'bigint', part.map((r) => r.at)],
              ['version', 'bigint', part.map((r) => r.version)],
              ['equity', 'double precision', part.map((r) => r.equity)],
              ['im', 'double precision', part.map((r) => r.im)],
              ['mm', 'double precision', part.map((r) => r.mm)],
              ['margin_ratio', 'double precision', part.map((r) => r.marginRatio)],
              ['status', 'text', part.map((r) => r.status)],
            ],
            '',
          ),
        );
      await upsertSetting(tx, VERSION_SETTING, version);
    });
    // Roll-ups follow the rows' own clock (the service's), so a restart after days rolls up at its first append.
    const now = rows.reduce((m, r) => Math.max(m, r.at), -Infinity);
    if (now - this.rolledUpAt >= ROLLUP_EVERY_MS) await this.rollUpHistory(now);
  }
  async rollUpHistory(now: number): Promise<HistoryRollup> {
    this.rolledUpAt = Math.max(this.rolledUpAt, now);
    return rollUpHistory((work) => this.write(work), now);
  }
  async historyPoints(nodeId: string, query: HistoryQuery): Promise<HistoryPoint[]> {
    return historyPoints(this.db, nodeId, query);
  }
  async lastVersion(): Promise<number> {
    const value = await this.getSetting(VERSION_SETTING);
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
  }
  /** The recompute rows still at full resolution (rolled-up ones are in `historyPoints`). */
  async history(nodeId: string, from: number, to: number, limit: number): Promise<HistoryRow[]> {
    const h = schema.marginHistory;
    return this.db
      .select({
        nodeId: h.nodeId,
        at: h.at,
        version: h.version,
        equity: h.equity,
        im: h.im,
        mm: h.mm,
        marginRatio: h.marginRatio,
        status: h.status,
      })
      .from(h)
      .where(and(eq(h.nodeId, nodeId), gte(h.at, from), lte(h.at, to)))
      .orderBy(desc(h.at), desc(h.id))
      .limit(limit);
  }

  async loadAlertLevels(): Promise<AlertLevelRow[]> {
    return this.db.select().from(schema.alertLevels);
  }
  async recordAlerts(rows: readonly Omit<AlertRow, 'id'>[]): Promise<AlertRow[]> {
    if (rows.length === 0) return [];
    return this.write(async (tx) => {
      const inserted = await tx
        .insert(schema.alerts)
        .values([...rows])
        .returning();
      for (const a of rows) {
        await tx
          .insert(schema.alertLevels)
          .values({ nodeId: a.nodeId, level: a.toLevel, at: a.at })
          .onConflictDoUpdate({ target: schema.alertLevels.nodeId, set: { level: a.toLevel, at: a.at } });
      }
      return inserted.sort((a, b) => a.id - b.id);
    });
  }
  async listAlerts(nodeIds: readonly string[] | null, limit: number): Promise<AlertRow[]> {
    if (nodeIds !== null && nodeIds.length === 0) return [];
    const where = nodeIds === null ? undefined : inArray(schema.alerts.nodeId, [...nodeIds]);
    return this.db.select().from(schema.alerts).where(where).orderBy(desc(schema.alerts.id)).limit(limit);
  }

  async insertApiKey(row: ApiKeyRow): Promise<void> {
    await this.write((tx) => tx.insert(schema.apiKeys).values(row));
  }
  async findApiKeyByLookup(lookup: string): Promise<ApiKeyRow | undefined> {
    const rows = await this.db.select().from(schema.apiKeys).where(eq(schema.apiKeys.lookup, lookup));
    return rows[0] === undefined ? undefined : toApiKey(rows[0]);
  }
  async listApiKeys(): Promise<ApiKeyRow[]> {
    const rows = await this.db.select().from(schema.apiKeys).orderBy(asc(schema.apiKeys.createdAt));
    return rows.map(toApiKey);
  }
  async revokeApiKey(id: string, at: number): Promise<boolean> {
    const rows = await this.write((tx) =>
      tx
        .update(schema.apiKeys)
        .set({ revokedAt: at })
        .where(eq(schema.apiKeys.id, id))
        .returning({ id: schema.apiKeys.id }),
    );
    return rows.length > 0;
  }

  async insertWebhook(row: WebhookRow): Promise<void> {
    await this.write((tx) => tx.insert(schema.webhooks).values(row));
  }
  async listWebhooks(): Promise<WebhookRow[]> {
    return this.db.select().from(schema.webhooks).orderBy(asc(schema.webhooks.createdAt));
  }
  async deleteWebhook(id: string): Promise<boolean> {
    const rows = await this.write((tx) =>
      tx.delete(schema.webhooks).where(eq(schema.webhooks.id, id)).returning({ id: schema.webhooks.id }),
    );
    return rows.length > 0;
  }
}

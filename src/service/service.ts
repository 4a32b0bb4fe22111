// Assembles the service: store, state, engine, event log, market feed, recompute, alerts, webhooks and the
// HTTP server; `close` drains requests and writes a final state snapshot.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { openStore, type Store, type StoredEvent } from '../store/index.js';
import { AlertTracker, checkThresholds } from './alerts.js';
import { KeyRing } from './auth.js';
import type { BookState } from './bookState.js';
import type { ServiceConfig } from './config.js';
import type { ServiceContext } from './context.js';
import { EventLog } from './eventLog.js';
import { Hub } from './hub.js';
import { serializeLedgers } from '../account/index.js';
import { loadLedgers, loadReference } from './load.js';
import { coreMarginEngine, type MarginEngine } from './marginEngine.js';
import { MarketFeed } from './marketFeed.js';
import { createMetrics } from './metrics.js';
import { Recomputer } from './recompute.js';
import { SchemaRegistry } from './schemas.js';
import { ensureAdminKey, seedStore } from './seed.js';
import { buildServer } from './server.js';
import { WebhookDispatcher } from './webhooks.js';
import { servicePoller, type VenueConnections } from '../connect/serviceTarget.js';

/** A running service instance. */
export interface Service {
  app: FastifyInstance;
  ctx: ServiceContext;
  /** A new random admin key created at this start (shown once), if any. */
  createdAdminKey: string | undefined;
  /** Events replayed from the log at start (after the latest state snapshot). */
  replayedEvents: number;
  /** Starts listening; returns the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, drains those in flight, stores a state snapshot and closes the store it opened. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** A store to use instead of opening the configured one (it is then not closed by `close`). */
  store?: Store;
  engine?: MarginEngine;
  logger?: Logger;
  now?: () => number;
  /**
   * Builds the event log in place of the single process's `EventLog` (a cluster gateway's publishes events to
   * the event stream and answers with the owning worker's verdict: src/cluster/gatewayEventLog.ts).
   */
  eventLog?: EventLogFactory;
  /** Venue accounts to keep current by polling them through ccxt (src/connect/, docs/connectors.md). */
  venues?: VenueConnections;
}

/** Returns an event log over the service's store and state, calling `onApplied` after each applied batch. */
export type EventLogFactory = (
  store: Store,
  state: BookState,
  onApplied: (events: readonly StoredEvent[]) => void,
  now: () => number,
) => EventLog;

function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'unimargin' },
    redact: [
      'req.headers.authorization',
      'req.headers["x-api-key"]',
      'req.headers["sec-websocket-protocol"]',
    ],
  });
}

async function prepareStore(config: ServiceConfig, store: Store, now: number): Promise<string | undefined> {
  const text = config.seedPath === undefined ? undefined : await readFile(config.seedPath, 'utf8');
  await seedStore(store, text, config.seedPath ?? 'seed', now);
  return ensureAdminKey(store, config.adminKey, now);
}

function snapshotter(store: Store, state: BookState, log: Logger): () => Promise<void> {
  return async () => {
    // Serialised synchronously: the ledgers and lastEventId are taken at one instant.
    const eventId = state.lastEventId;
    const snapshot = serializeLedgers(state.ledgers);
    try {
      await store.saveStateSnapshot(eventId, snapshot, Date.now());
    } catch (error) {
      log.error({ err: error }, 'state snapshot failed');
    }
  };
}

/** Returns the event log, which schedules a recompute after each batch and a state snapshot every N events. */
function eventLogOf(
  config: ServiceConfig,
  store: Store,
  state: BookState,
  recomputer: Recomputer,
  snapshot: () => Promise<void>,
  now: () => number,
  make?: EventLogFactory,
): EventLog {
  let sinceSnapshot = 0;
  const onApplied = (stored: readonly unknown[]): void => {
    recomputer.schedule();
    sinceSnapshot += stored.length;
    // A snapshot serialises every ledger: taken no more often than once per account's worth of events, so its
    // cost per event stays that of one account however large the book.
    if (sinceSnapshot >= Math.max(config.snapshotEvery, state.accounts.size)) {
      sinceSnapshot = 0;
      void snapshot();
    }
  };
  return make?.(store, state, onApplied, now) ?? new EventLog(store, state, onApplied, now);
}

/** Returns the context of a service over an open, seeded store, with the state loaded and recomputed. */
async function loadContext(
  config: ServiceConfig,
  store: Store,
  options: ServiceOptions,
  log: Logger,
): Promise<{ ctx: ServiceContext; replayedEvents: number }> {
  const now = options.now ?? Date.now;
  const state = await loadReference(store);
  const metrics = createMetrics();
  const covers = (root: string | null, id: string): boolean => state.isWithin(root, id);
  const hub = new Hub(covers);
  const webhooks = new WebhookDispatcher(config.webhooks, covers, log);
  webhooks.setHooks(await store.listWebhooks());
  const alerts = new AlertTracker(checkThresholds(config.thresholds), await store.loadAlertLevels());
  const engine = options.engine ?? coreMarginEngine();
  const minIntervalMs = config.recomputeIntervalMs;
  const recomputer = new Recomputer({
    state,
    engine,
    store,
    hub,
    alerts,
    webhooks,
    metrics,
    log,
    now,
    minIntervalMs,
    lastVersion: await store.lastVersion(),
  });
  const snapshot = snapshotter(store, state, log);
  const events = eventLogOf(config, store, state, recomputer, snapshot, now, options.eventLog);
  const market = new MarketFeed(store, state, () => recomputer.schedule(), now);
  const replayedEvents = await loadLedgers(store, state, market, events);
  metrics.accounts.set(state.accounts.size);
  recomputer.schedule();
  await recomputer.idle();
  const keys = new KeyRing(store, now);
  const schemas = new SchemaRegistry();
  const ctx: ServiceContext = {
    ...{ config, store, state, engine, events, market, recomputer, keys, hub, alerts, webhooks, metrics },
    ...{ schemas, log, now, ready: true, snapshot },
  };
  return { ctx, replayedEvents };
}

/** Returns a service over the configured (or given) store, loaded and recomputed, not yet listening. */
export async function createService(config: ServiceConfig, options: ServiceOptions = {}): Promise<Service> {
  const log = options.logger ?? createLogger(config.logLevel);
  const store = options.store ?? (await openStore(config.store));
  const createdAdminKey = await prepareStore(config, store, (options.now ?? Date.now)());
  const { ctx, replayedEvents } = await loadContext(config, store, options, log);
  const poller = options.venues === undefined ? undefined : servicePoller(ctx, options.venues, log);
  const app = await buildServer(
    ctx,
    poller && { status: () => poller.status(), intervalMs: options.venues!.intervalMs },
  );
  poller?.start();
  const close = async (): Promise<void> => {
    ctx.ready = false;
    await poller?.stop();
    // Sockets are told the server is going away (1001) before the WebSocket plugin drops what is left.
    ctx.hub.closeAll();
    await app.close();
    await ctx.events.idle();
    await ctx.recomputer.idle();
    ctx.webhooks.close();
    await ctx.snapshot();
    if (options.store === undefined) await store.close();
  };
  const listen = async (): Promise<string> => app.listen({ host: config.host, port: config.port });
  return { app, ctx, createdAdminKey, replayedEvents, listen, close };
}

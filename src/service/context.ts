import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import type { AlertTracker } from './alerts.js';
import type { KeyRing } from './auth.js';
import type { BookState } from './bookState.js';
import type { ServiceConfig } from './config.js';
import type { EventLog } from './eventLog.js';
import type { Hub } from './hub.js';
import type { MarginEngine } from './marginEngine.js';
import type { MarketFeed } from './marketFeed.js';
import type { ServiceMetrics } from './metrics.js';
import type { Recomputer } from './recompute.js';
import type { SchemaRegistry } from './schemas.js';
import type { WebhookDispatcher } from './webhooks.js';

/** Everything a route needs, built once per service instance. */
export interface ServiceContext {
  config: ServiceConfig;
  store: Store;
  state: BookState;
  engine: MarginEngine;
  events: EventLog;
  market: MarketFeed;
  recomputer: Recomputer;
  keys: KeyRing;
  hub: Hub;
  alerts: AlertTracker;
  webhooks: WebhookDispatcher;
  metrics: ServiceMetrics;
  schemas: SchemaRegistry;
  log: Logger;
  now: () => number;
  /** True once the state is loaded and the first recompute is done; false again while shutting down. */
  ready: boolean;
  /** Stores a state snapshot now (also taken every `snapshotEvery` events). */
  snapshot(): Promise<void>;
}

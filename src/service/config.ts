import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoreConfig } from '../store/index.js';
import { DEFAULT_THRESHOLDS, type AlertThresholds } from './alerts.js';
import { DEFAULT_WEBHOOK_OPTIONS, type WebhookOptions } from './webhooks.js';

/** Everything the service can be told; `defaultConfig` gives the values `unimargin serve` starts with. */
export interface ServiceConfig {
  store: StoreConfig;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Book (JSON or YAML) that seeds an empty store; undefined: start empty. */
  seedPath: string | undefined;
  /** An admin key to create if missing (UNIMARGIN_ADMIN_KEY); without it, an empty store gets a new one. */
  adminKey: string | undefined;
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
  /** Requests per key (or address, without a key) per window; 0 turns rate limiting off. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Largest request body, bytes; market snapshots may use `marketBodyLimit`. */
  bodyLimit: number;
  marketBodyLimit: number;
  /** Least time between the starts of two recomputes (changes in between are coalesced). */
  recomputeIntervalMs: number;
  /**
   * A state snapshot is stored after this many events (or as many as there are accounts, if more: a snapshot
   * costs the whole book), so a restart replays at most that many.
   */
  snapshotEvery: number;
  thresholds: AlertThresholds;
  webhooks: WebhookOptions;
  /** Longest wait for in-flight requests at shutdown before connections are closed. */
  shutdownTimeoutMs: number;
}

/** Returns the bundled example book's path (examples/fund.book.yaml of the package), if present. */
export function bundledExample(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'examples', 'fund.book.yaml');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** Returns the default configuration: embedded store in ./data, loopback, port 8420, the example seed. */
export function defaultConfig(): ServiceConfig {
  return {
    store: { dataDir: 'data' },
    host: '127.0.0.1',
    port: 8420,
    seedPath: bundledExample(),
    adminKey: undefined,
    logLevel: 'info',
    rateLimitMax: 6000,
    rateLimitWindowMs: 60_000,
    bodyLimit: 256 * 1024,
    marketBodyLimit: 8 * 1024 * 1024,
    recomputeIntervalMs: 50,
    snapshotEvery: 1000,
    thresholds: DEFAULT_THRESHOLDS,
    webhooks: DEFAULT_WEBHOOK_OPTIONS,
    shutdownTimeoutMs: 10_000,
  };
}

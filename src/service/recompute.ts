// Recomputes the changed nodes' margin after changes, coalescing bursts: a recompute starts at most once per
// interval (changes in between only mark the state dirty, and the next recompute takes them all). After each:
// WebSocket updates, history rows (only for nodes whose figures changed, at most once per node per history
// window) and alerts (stored, pushed, sent to webhooks).
import type { Logger } from 'pino';
import { TreeReporter, type MarginReport, type NodeExplain, type ReportNode } from '../report/index.js';
import type { HistoryRow, Store } from '../store/index.js';
import type { AlertTracker } from './alerts.js';
import type { BookState } from './bookState.js';
import type { Hub } from './hub.js';
import type { MarginEngine } from './marginEngine.js';
import type { ServiceMetrics } from './metrics.js';
import type { WebhookDispatcher } from './webhooks.js';

/** The latest recomputed figures: the report's header and totals, and every node as last changed. */
export interface LatestReport {
  version: number;
  /** The state version it was computed from. */
  stateVersion: number;
  at: number;
  report: Omit<MarginReport, 'nodes'>;
  nodes: Map<string, ReportNode>;
}

export interface RecomputeDeps {
  state: BookState;
  engine: MarginEngine;
  store: Store;
  hub: Hub;
  alerts: AlertTracker;
  webhooks: WebhookDispatcher;
  metrics: ServiceMetrics;
  log: Logger;
  now: () => number;
  /** Least time between the starts of two recomputes: bounds the CPU they take from ingestion. */
  minIntervalMs: number;
  /** The last version stored before this start (`Store.lastVersion`): versions continue above it. */
  lastVersion?: number;
}

/** Returns the small figures of a report node, as history, updates and summaries carry them. */
export function nodeFigures(n: ReportNode): Record<string, unknown> {
  return {
    equity: n.equity,
    im: n.im,
    mm: n.mm,
    freeCollateral: n.freeCollateral,
    marginRatio: n.marginRatio,
    status: n.status,
    capitalFreed: n.capitalFreed,
    charged: n.charged,
    freeCharged: n.freeCharged,
    worstBeneath: n.worstBeneath,
  };
}

/** The least time between two history rows of one node (ms): a chart at one-second resolution is plenty. */
export const HISTORY_WINDOW_MS = 1000;

const figuresKey = (r: HistoryRow): string => JSON.stringify([r.equity, r.im, r.mm, r.marginRatio, r.status]);

/**
 * Writes history rows at a bounded rate: a node's row is written only when its figures differ from its last
 * row, and at most once per window (by the service clock); a change inside the window is held, each newer one
 * replacing it, and the one held is written when the window ends, with the time and version it was computed at.
 */
export class HistoryWriter {
  private readonly last = new Map<string, { key: string; writtenAt: number }>();
  private readonly held = new Map<string, HistoryRow>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly append: (rows: readonly HistoryRow[]) => Promise<void>,
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Takes a recompute's changed nodes; resolves once the rows due now are stored. */
  async record(rows: readonly HistoryRow[]): Promise<void> {
    const now = this.now();
    const due: HistoryRow[] = [];
    for (const row of rows) {
      const last = this.last.get(row.nodeId);
      if (last?.key === figuresKey(row)) {
        this.held.delete(row.nodeId);
        continue;
      }
      if (last !== undefined && now - last.writtenAt < this.windowMs) this.held.set(row.nodeId, row);
      else {
        this.held.delete(row.nodeId);
        due.push(row);
      }
    }
    this.arm();
    await this.write(due, now);
  }

  /** Writes every held row now (at shutdown, or when a caller waits for the service to be idle). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = [...this.held.values()];
    this.held.clear();
    await this.write(rows, this.now());
    await this.settled();
  }

  /** Resolves when the writes started so far are done. */
  settled(): Promise<void> {
    return this.writing;
  }

  /** Sets a timer for the earliest end of a window of a node with a held row. */
  private arm(): void {
    if (this.timer !== undefined || this.held.size === 0) return;
    const now = this.now();
    let next = this.windowMs;
    for (const id of this.held.keys())
      next = Math.min(next, (this.last.get(id)?.writtenAt ?? now) + this.windowMs - now);
    this.timer = setTimeout(() => this.writeDue(), Math.max(0, next));
    this.timer.unref?.();
  }

  private writeDue(): void {
    this.timer = undefined;
    const now = this.now();
    const due: HistoryRow[] = [];
    for (const [id, row] of this.held) {
      const last = this.last.get(id);
      if (last !== undefined && now - last.writtenAt < this.windowMs) continue;
      this.held.delete(id);
      due.push(row);
    }
    this.write(due, now).catch(this.onError);
    this.arm();
  }

  private write(rows: readonly HistoryRow[], now: number): Promise<void> {
    if (rows.length === 0) return this.writing;
    for (const r of rows) this.last.set(r.nodeId, { key: figuresKey(r), writtenAt: now });
    const done = this.writing.then(() => this.append(rows));
    this.writing = done.catch(() => undefined);
    return done;
  }
}

/** Runs recomputes one at a time and keeps the latest. */
export class Recomputer {
  latest: LatestReport | undefined;
  private dirty = false;
  private reporter: TreeReporter | undefined;
  private running: Promise<void> | undefined;
  /** When the latest recompute started (performance.now()). */
  private lastStart = -Infinity;
  private readonly history: HistoryWriter;

  constructor(private readonly deps: RecomputeDeps) {
    this.history = new HistoryWriter(
      (rows) => deps.store.appendHistory(rows),
      HISTORY_WINDOW_MS,
      deps.now,
      (error) => deps.log.error({ err: error }, 'history write failed'),
    );
  }

  /** Returns a node's explain tree on the state of the latest recompute. */
  explain(id: string): NodeExplain {
    if (this.reporter === undefined) throw new RangeError('margin not computed yet');
    return this.reporter.explain(id);
  }

  /** Asks for a recompute; returns at once. */
  schedule(): void {
    this.dirty = true;
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when no recompute is pending or running and every history row held is stored. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
    await this.history.flush();
  }

  private async loop(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    while (this.dirty) {
      // The cap holds across bursts: a change right after a recompute waits for the interval to end.
      const wait = this.lastStart + this.deps.minIntervalMs - performance.now();
      if (wait > 0) await new Promise<void>((r) => setTimeout(r, Math.ceil(wait)));
      this.dirty = false;
      this.lastStart = performance.now();
      try {
        await this.runOnce();
      } catch (error) {
        this.deps.log.error({ err: error }, 'recompute failed');
      }
    }
  }

  private async runOnce(): Promise<void> {
    const { state, engine, metrics, hub } = this.deps;
    const stateVersion = state.version;
    const started = performance.now();
    // Only the nodes an update moved are built again, published, stored and checked for alerts.
    const { tree, changed } = engine.sync(state);
    if (this.reporter?.tree !== tree) this.reporter = new TreeReporter(tree, { liquidation: false });
    const refreshed = this.reporter.refresh(changed);
    metrics.recomputeDuration.observe((performance.now() - started) / 1000);
    const at = this.deps.now();
    const version = (this.latest?.version ?? this.deps.lastVersion ?? 0) + 1;
    const nodes = changed === undefined ? new Map<string, ReportNode>() : this.latest!.nodes;
    for (const n of refreshed) nodes.set(n.id, n);
    this.latest = { version, stateVersion, at, report: this.reporter.summary(), nodes };
    if (refreshed.length === 0) return;
    hub.publishMargins(version, at, new Map(refreshed.map((n) => [n.id, nodeFigures(n)])));
    await this.history.record(
      refreshed.map((n) => ({
        nodeId: n.id,
        at,
        version,
        equity: n.equity,
        im: n.im,
        mm: n.mm,
        marginRatio: n.marginRatio,
        status: n.status,
      })),
    );
    await this.raiseAlerts(refreshed, at);
  }

  private async raiseAlerts(nodes: readonly ReportNode[], at: number): Promise<void> {
    const transitions = this.deps.alerts.update(nodes, at);
    if (transitions.length === 0) return;
    const stored = await this.deps.store.recordAlerts(transitions);
    for (const alert of stored) {
      this.deps.metrics.alerts.inc({ level: alert.toLevel });
      this.deps.log.warn({ alert }, `alert: ${alert.nodeId} ${alert.fromLevel} -> ${alert.toLevel}`);
      this.deps.hub.publishAlert(alert);
      this.deps.webhooks.dispatch(alert.nodeId, { type: 'alert', alert });
    }
  }
}

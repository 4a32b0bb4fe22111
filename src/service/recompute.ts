// Recomputes every node's margin after changes, coalescing bursts: while one recompute runs, further changes
// only mark the state dirty, and one more recompute follows. After each: history rows, WebSocket updates,
// alerts (stored, pushed, sent to webhooks).
import type { Logger } from 'pino';
import { TreeReporter, type MarginReport, type NodeExplain, type ReportNode } from '../report/index.js';
import type { Store } from '../store/index.js';
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
  };
}

/** Runs recomputes one at a time and keeps the latest. */
export class Recomputer {
  latest: LatestReport | undefined;
  private dirty = false;
  private reporter: TreeReporter | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: RecomputeDeps) {}

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

  /** Resolves when no recompute is pending or running. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private async loop(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    while (this.dirty) {
      this.dirty = false;
      const started = performance.now();
      try {
        await this.runOnce();
      } catch (error) {
        this.deps.log.error({ err: error }, 'recompute failed');
      }
      const wait = this.deps.minIntervalMs - (performance.now() - started);
      if (this.dirty && wait > 0) await new Promise<void>((r) => setTimeout(r, wait));
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
    await this.deps.store.appendHistory(
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

// Alerts on the margin status (src/margin/status.ts): a node moves between levels when its figures reach a
// status, and leaves a level only once they are `hysteresis` below its threshold, so that a ratio hovering at a
// threshold raises one alert, not one per recompute. With the default thresholds and no hysteresis, a node's
// alert level is its report status ('normal' is 'healthy').
import {
  NODE_STATUSES,
  reachesStatus,
  STATUS_LEVELS,
  type NodeStatus,
  type StatusFigures,
  type StatusLevels,
} from '../margin/index.js';
import type { AlertLevelRow } from '../store/index.js';

export const ALERT_LEVELS = ['normal', 'warning', 'marginCall', 'liquidation'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/**
 * The status levels at which each alert level starts (warning and liquidation on MM / equity, margin call on
 * IM / equity), and the band below a threshold that must be crossed to leave it.
 */
export interface AlertThresholds extends StatusLevels {
  hysteresis: number;
}

/** Defaults: the report's status levels, and a band of 0.05 to leave a level. */
export const DEFAULT_THRESHOLDS: AlertThresholds = { ...STATUS_LEVELS, hysteresis: 0.05 };

const rank = (level: AlertLevel): number => ALERT_LEVELS.indexOf(level);
const statusOf = (level: AlertLevel): NodeStatus => NODE_STATUSES[rank(level)]!;

/** Returns the thresholds, or throws RangeError unless 0 <= hysteresis < warning < liquidation and hysteresis < marginCall. */
export function checkThresholds(t: AlertThresholds): AlertThresholds {
  const ok =
    t.hysteresis >= 0 && t.hysteresis < t.warning && t.warning < t.liquidation && t.hysteresis < t.marginCall;
  if (!ok)
    throw new RangeError(
      'alert thresholds need 0 <= hysteresis < warning < liquidation and hysteresis < marginCall',
    );
  return t;
}

/** Returns the level a node moves to from `current` given its equity, IM and MM. */
export function nextLevel(current: AlertLevel, figures: StatusFigures, t: AlertThresholds): AlertLevel {
  let level: AlertLevel = 'normal';
  for (const candidate of ALERT_LEVELS.slice(1)) {
    // Staying in (or dropping back to) a level at or below the current one needs only threshold - hysteresis.
    const band = rank(candidate) <= rank(current) ? t.hysteresis : 0;
    const levels = {
      warning: t.warning - band,
      marginCall: t.marginCall - band,
      liquidation: t.liquidation - band,
    };
    if (reachesStatus(statusOf(candidate), figures, levels)) level = candidate;
  }
  return level;
}

/** A change of level of one node. */
export interface AlertTransition {
  nodeId: string;
  fromLevel: AlertLevel;
  toLevel: AlertLevel;
  marginRatio: number | null;
  equity: number;
  mm: number;
  at: number;
}

const isLevel = (s: string): s is AlertLevel => (ALERT_LEVELS as readonly string[]).includes(s);

/** The level of every node; `update` returns the transitions a new set of figures causes. */
export class AlertTracker {
  private readonly levels = new Map<string, AlertLevel>();

  constructor(
    private readonly thresholds: AlertThresholds,
    initial: readonly AlertLevelRow[] = [],
  ) {
    for (const row of initial) if (isLevel(row.level)) this.levels.set(row.nodeId, row.level);
  }

  /** Returns a node's current level. */
  level(nodeId: string): AlertLevel {
    return this.levels.get(nodeId) ?? 'normal';
  }

  /** Moves every node to its new level and returns the nodes that changed. */
  update(
    nodes: readonly (StatusFigures & { id: string; marginRatio: number | null })[],
    at: number,
  ): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const n of nodes) {
      const from = this.level(n.id);
      const to = nextLevel(from, n, this.thresholds);
      if (to === from) continue;
      this.levels.set(n.id, to);
      out.push({
        nodeId: n.id,
        fromLevel: from,
        toLevel: to,
        marginRatio: n.marginRatio,
        equity: n.equity,
        mm: n.mm,
        at,
      });
    }
    return out;
  }
}

// Alerts on the margin ratio (MM / equity): a node moves between levels when its ratio crosses a threshold,
// and leaves a level only once the ratio is `hysteresis` below its threshold, so that a ratio hovering at a
// threshold raises one alert, not one per recompute.
import type { AlertLevelRow } from '../store/index.js';

export const ALERT_LEVELS = ['normal', 'warning', 'marginCall', 'liquidation'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/** Margin ratios at which each level starts, and the band below a threshold that must be crossed to leave it. */
export interface AlertThresholds {
  warning: number;
  marginCall: number;
  liquidation: number;
  hysteresis: number;
}

/**
 * Defaults: warning at half the equity held as maintenance margin (the report's warning status); margin call at
 * 0.8, where equity falls below IM when IM = 1.25 x MM (the grid model's default buffer); liquidation at 1.
 */
export const DEFAULT_THRESHOLDS: AlertThresholds = {
  warning: 0.5,
  marginCall: 0.8,
  liquidation: 1,
  hysteresis: 0.05,
};

const rank = (level: AlertLevel): number => ALERT_LEVELS.indexOf(level);

/** Returns the thresholds, or throws RangeError unless 0 < warning < marginCall < liquidation and 0 <= hysteresis. */
export function checkThresholds(t: AlertThresholds): AlertThresholds {
  const ok =
    t.warning > 0 &&
    t.warning < t.marginCall &&
    t.marginCall < t.liquidation &&
    t.hysteresis >= 0 &&
    t.hysteresis < t.warning;
  if (!ok) throw new RangeError('alert thresholds need 0 <= hysteresis < warning < marginCall < liquidation');
  return t;
}

/** Returns the margin ratio an alert compares: MM / equity, infinite when equity is not positive and MM is. */
export function alertRatio(equity: number, mm: number): number {
  if (equity > 0) return mm / equity;
  return mm > 0 || equity < 0 ? Infinity : 0;
}

/** Returns the level a node moves to from `current` at margin ratio `ratio`. */
export function nextLevel(current: AlertLevel, ratio: number, t: AlertThresholds): AlertLevel {
  let level: AlertLevel = 'normal';
  for (const candidate of ALERT_LEVELS.slice(1)) {
    // Staying in (or dropping back to) a level at or below the current one needs only threshold - hysteresis.
    const band = rank(candidate) <= rank(current) ? t.hysteresis : 0;
    if (ratio >= t[candidate as Exclude<AlertLevel, 'normal'>] - band) level = candidate;
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
    nodes: readonly { id: string; equity: number; mm: number; marginRatio: number | null }[],
    at: number,
  ): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const n of nodes) {
      const from = this.level(n.id);
      const to = nextLevel(from, alertRatio(n.equity, n.mm), this.thresholds);
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

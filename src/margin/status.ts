// The one definition of a node's margin status and margin ratio: the report, the service, its alerts and the
// dashboard all read these rules, so no two of them can call the same figures by different names.
//
// Each level is reached when a requirement passes a multiple of equity. The rule is written as a product, not
// a ratio, so that zero or negative equity needs no special case and nothing divides by zero.

/** The statuses of a node, from the best to the worst. */
export const NODE_STATUSES = ['healthy', 'warning', 'marginCall', 'liquidation'] as const;
/** A node's margin status. */
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** MM / equity at or above which a node is a warning: half its equity is held as maintenance margin. */
export const WARNING_RATIO = 0.5;
/** IM / equity above which a node is in margin call: equity is below the initial requirement. */
export const MARGIN_CALL_RATIO = 1;
/** MM / equity at or above which a node is liquidated: equity is at or below maintenance (with MM > 0). */
export const LIQUIDATION_RATIO = 1;

/** The figures a status is read from, amounts in one currency. */
export interface StatusFigures {
  equity: number;
  im: number;
  mm: number;
}

/** Where each level starts; the defaults are the ratios above. Alerts lower them by their hysteresis. */
export interface StatusLevels {
  /** MM / equity at or above which a node is a warning (equity > 0 only). */
  warning: number;
  /** IM / equity above which a node is in margin call: IM > marginCall x equity. */
  marginCall: number;
  /** MM / equity at or above which a node is liquidated: MM > 0 and MM >= liquidation x equity. */
  liquidation: number;
}

/** The levels of the report's status. */
export const STATUS_LEVELS: Readonly<StatusLevels> = {
  warning: WARNING_RATIO,
  marginCall: MARGIN_CALL_RATIO,
  liquidation: LIQUIDATION_RATIO,
};

/** Returns whether the figures reach a status at the given levels ('healthy' is always reached). */
export function reachesStatus(status: NodeStatus, f: StatusFigures, levels: StatusLevels): boolean {
  switch (status) {
    case 'healthy':
      return true;
    case 'warning':
      // A node with no positive equity is past warning by the other rules, or holds nothing at all.
      return f.equity > 0 && f.mm >= levels.warning * f.equity;
    case 'marginCall':
      return f.im > levels.marginCall * f.equity;
    case 'liquidation':
      return f.mm > 0 && f.mm >= levels.liquidation * f.equity;
  }
}

/** Returns the worst status the figures reach at the given levels (default: the report's). */
export function statusAt(f: StatusFigures, levels: StatusLevels = STATUS_LEVELS): NodeStatus {
  for (let i = NODE_STATUSES.length - 1; i > 0; i--) {
    const status = NODE_STATUSES[i]!;
    if (reachesStatus(status, f, levels)) return status;
  }
  return 'healthy';
}

/** Returns the status of a node from its equity, IM and MM (one currency): liquidation, margin call, warning. */
export function nodeStatus(equity: number, im: number, mm: number): NodeStatus {
  return statusAt({ equity, im, mm });
}

/**
 * The largest margin ratio reported: MM a trillion times equity. Past it equity is as good as none (the ratio of
 * 8.4e-323 of equity against an MM of 960 is beyond any float, and 1e-304 against 3,301 overflows once shown as a
 * percentage), so the ratio is null, as for no equity.
 */
export const MAX_MARGIN_RATIO = 1e12;

/** Returns MM / equity as a fraction, 0 for an empty node, or null when equity is not positive or as good as none. */
export function marginRatio(equity: number, mm: number): number | null {
  if (equity > 0) {
    const ratio = mm / equity;
    return ratio <= MAX_MARGIN_RATIO ? ratio : null;
  }
  return mm === 0 && equity === 0 ? 0 : null;
}

/** The rank of a status, 0 (healthy) to 3 (liquidation): a higher rank is worse. */
export const statusRank = (status: NodeStatus): number => NODE_STATUSES.indexOf(status);

/** Accounts at each level other than healthy, as a subtree counts them (counts add, so they move by new - old). */
export interface StatusCounts {
  warning: number;
  marginCall: number;
  liquidation: number;
}

/** No account in trouble. */
export const NO_STATUS_COUNTS: Readonly<StatusCounts> = { warning: 0, marginCall: 0, liquidation: 0 };

/** Returns `a + sign x b`, level by level. */
export function addStatusCounts(a: StatusCounts, b: StatusCounts, sign: 1 | -1 = 1): StatusCounts {
  return {
    warning: a.warning + sign * b.warning,
    marginCall: a.marginCall + sign * b.marginCall,
    liquidation: a.liquidation + sign * b.liquidation,
  };
}

/** Returns the counts of one account at the given status. */
export function statusCount(status: NodeStatus): StatusCounts {
  return status === 'healthy' ? NO_STATUS_COUNTS : { ...NO_STATUS_COUNTS, [status]: 1 };
}

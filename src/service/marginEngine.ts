// What the service asks of a margin engine, behind one interface so that the batch and incremental engine
// (src/engine) can replace this implementation, which calls the core models directly.
import type { ResolvedBook } from '../core/index.js';
import { evaluateMargins } from '../aggregate/index.js';
import { buildReport, type MarginReport } from '../report/index.js';
import { exposedUnderlyings, liquidationPoints, type LiquidationPoint } from '../risk/index.js';
import { isStable, marginRatio, nodeStatus, type Exposure, type NodeStatus } from '../margin/index.js';
import {
  createMarketView,
  createRiskContext,
  type MarketView,
  type RiskContext,
} from '../scenarios/index.js';
import type { Market } from '../core/index.js';

/** The small figures of one node: equity and requirements of its subtree, reporting currency. */
export interface NodeFigures {
  equity: number;
  im: number;
  mm: number;
  freeCollateral: number;
  marginRatio: number | null;
  status: NodeStatus;
}

/** A margin engine: pure computations over resolved books. */
export interface MarginEngine {
  /** Returns the full report of a book (no liquidation search: that is asked per node). */
  report(book: ResolvedBook): MarginReport;
  /** Returns every node's figures; quick, for what-if, stress and allocation. */
  figures(book: ResolvedBook): Map<string, NodeFigures>;
  /** Returns a node's liquidation prices per underlying it is exposed to. */
  liquidation(book: ResolvedBook, nodeId: string): LiquidationPoint[];
}

/** Returns a node's figures from equity, IM and MM. */
export function figuresOf(equity: number, im: number, mm: number): NodeFigures {
  return {
    equity,
    im,
    mm,
    freeCollateral: equity - im,
    marginRatio: marginRatio(equity, mm),
    status: nodeStatus(equity, im, mm),
  };
}

function subtreeExposures(
  book: ResolvedBook,
  nodes: Map<string, { exposure: Exposure }>,
  id: string,
): Exposure[] {
  const account = book.accounts.get(id);
  const own = nodes.get(id)?.exposure;
  return [
    ...(own === undefined ? [] : [own]),
    ...(account?.children ?? []).flatMap((c) => subtreeExposures(book, nodes, c)),
  ];
}

/** Returns the engine that runs the core models (src/aggregate, src/risk, src/report) per request. */
export function coreMarginEngine(): MarginEngine {
  // Risk arrays depend only on the market: they are kept for the latest market object and reused by every
  // what-if against it (scoped to this engine, not the module).
  let cached: { market: Market; view: MarketView; context: RiskContext } | undefined;
  const contextFor = (book: ResolvedBook): { view: MarketView; context: RiskContext } => {
    if (cached?.market !== book.market) {
      const view = createMarketView(book.market, book.reportingCurrency);
      cached = { market: book.market, view, context: createRiskContext(view) };
    }
    return cached;
  };
  return {
    report: (book) => buildReport(book, { liquidation: false, explain: true }),
    figures(book) {
      const { view, context } = contextFor(book);
      const nodes = evaluateMargins(book, view, { context });
      return new Map([...nodes].map(([id, n]) => [id, figuresOf(n.equity, n.im, n.mm)]));
    },
    liquidation(book, nodeId) {
      const { view, context } = contextFor(book);
      const nodes = evaluateMargins(book, view, { context });
      const account = book.accounts.get(nodeId);
      if (account === undefined) return [];
      const stable = (asset: string): boolean => isStable(asset, account.parameters, book.reportingCurrency);
      const underlyings = exposedUnderlyings(subtreeExposures(book, nodes, nodeId), stable);
      return underlyings.flatMap((u) => liquidationPoints(book, nodeId, u, view));
    },
  };
}

import type { OffsetPolicy, ResolvedBook } from '../core/index.js';
import { MarginTree, preOrder } from '../aggregate/index.js';
import { movedRiskContext, type MarketView, type RiskContext } from '../scenarios/index.js';
import { brent } from './rootFind.js';

/** Where a node's equity meets its maintenance margin when one underlying moves and all else stays. */
export interface LiquidationPoint {
  underlying: string;
  direction: 'down' | 'up' | 'now';
  /** The underlying's index price at liquidation, in the reporting currency. */
  price: number;
  /** Signed move from the current price to the liquidation price, as a fraction (-0.25 = 25% lower). */
  distance: number;
}

// Search grid in log price: first step 2%, growing by half each step up to 20%, out to 1% and 10x of the price.
const FIRST_STEP = 0.02;
const STEP_GROWTH = 1.5;
const MAX_STEP = 0.2;
const LOG_FLOOR = Math.log(0.01);
const LOG_CEILING = Math.log(10);

/**
 * Moved markets of one tree, shared by every node's search: the grid's trial prices are the same for every
 * node, so each moved market's risk arrays are built once.
 */
export class MovedMarkets {
  private readonly contexts = new Map<string, RiskContext>();
  constructor(readonly base: RiskContext) {}

  /** Returns the risk context with `underlying` moved by `factor` (cached for grid factors). */
  at(underlying: string, factor: number, keep = true): RiskContext {
    if (factor === 1) return this.base;
    const key = `${underlying}|${factor}`;
    let ctx = this.contexts.get(key);
    if (ctx === undefined) {
      ctx = movedRiskContext(this.base, underlying, factor);
      if (keep) this.contexts.set(key, ctx);
    }
    return ctx;
  }
}

/** Returns the accounts of a node's subtree whose figures a move of `underlying` can change. */
export function accountsMovedBy(tree: MarginTree, nodeId: string, underlying: string): string[] {
  return preOrder(tree.book, nodeId).filter((id) => {
    const n = tree.node(id);
    return (
      n.exposure.positions.some(
        (p) => p.instrument.underlying === underlying || p.instrument.quote === underlying,
      ) || n.exposure.assets.has(underlying)
    );
  });
}

/**
 * Returns equity minus maintenance margin of a node when `underlying` is moved by `factor`: the moved accounts
 * of its subtree are margined again and their changes carried up to the node; nothing else is recomputed.
 */
export function treeCushionAt(
  tree: MarginTree,
  nodeId: string,
  moved: readonly string[],
  context: RiskContext,
  underlying?: string,
): number {
  const node =
    moved.length === 0
      ? tree.node(nodeId)
      : tree
          .apply(
            moved.map((id) => tree.account(id)),
            {
              context,
              stopAt: nodeId,
              ...(underlying === undefined ? {} : { movedAssets: new Set([underlying]) }),
            },
          )
          .get(nodeId)!;
  return node.equity - node.mm;
}

function search(f: (x: number, grid: boolean) => number, direction: -1 | 1): number | undefined {
  let step = FIRST_STEP;
  let prevLog = 0;
  const limit = direction < 0 ? -LOG_FLOOR : LOG_CEILING;
  while (Math.abs(prevLog) < limit) {
    const nextLog = direction * Math.min(Math.abs(prevLog) + step, limit);
    const value = f(Math.exp(nextLog), true);
    if (value <= 0) {
      if (value === 0) return Math.exp(nextLog);
      return brent((x) => f(x, false), Math.exp(prevLog), Math.exp(nextLog), 1e-10);
    }
    prevLog = nextLog;
    step = Math.min(step * STEP_GROWTH, MAX_STEP);
  }
  return undefined;
}

/**
 * Returns the nearest liquidation price below and above the current price for one underlying, by full
 * revaluation of the node's moved accounts at each trial price and root-finding; a direction with no crossing
 * between 1% and 10x of the price has no entry.
 */
export function treeLiquidationPoints(
  tree: MarginTree,
  nodeId: string,
  underlying: string,
  markets: MovedMarkets = new MovedMarkets(tree.context),
): LiquidationPoint[] {
  const spot = tree.context.view.price(underlying);
  const moved = accountsMovedBy(tree, nodeId, underlying);
  const f = (factor: number, grid: boolean): number =>
    treeCushionAt(tree, nodeId, moved, markets.at(underlying, factor, grid), underlying);
  const now = f(1, true);
  if (now <= 0) return [{ underlying, direction: 'now', price: spot, distance: 0 }];
  const out: LiquidationPoint[] = [];
  for (const direction of [-1, 1] as const) {
    const factor = search(f, direction);
    if (factor !== undefined)
      out.push({
        underlying,
        direction: direction < 0 ? 'down' : 'up',
        price: spot * factor,
        distance: factor - 1,
      });
  }
  return out;
}

/** Returns equity minus maintenance margin of a node when `underlying` is moved by `factor`. */
export function cushionAt(
  book: ResolvedBook,
  nodeId: string,
  underlying: string,
  view: MarketView,
  factor: number,
  policy: OffsetPolicy,
): number {
  const tree = new MarginTree(book, view, { policy, root: nodeId });
  const markets = new MovedMarkets(tree.context);
  return treeCushionAt(
    tree,
    nodeId,
    accountsMovedBy(tree, nodeId, underlying),
    markets.at(underlying, factor),
    underlying,
  );
}

/** Returns a node's liquidation points for one underlying (treeLiquidationPoints over a tree of the book). */
export function liquidationPoints(
  book: ResolvedBook,
  nodeId: string,
  underlying: string,
  view: MarketView,
  policy: OffsetPolicy = book.offset,
): LiquidationPoint[] {
  return treeLiquidationPoints(new MarginTree(book, view, { policy, root: nodeId }), nodeId, underlying);
}

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

/** Returns whether a move of `underlying` can change an account's own figures (it holds or quotes in it). */
function movedBy(tree: MarginTree, id: string, underlying: string): boolean {
  const n = tree.node(id);
  return (
    n.exposure.positions.some(
      (p) => p.instrument.underlying === underlying || p.instrument.quote === underlying,
    ) || n.exposure.assets.has(underlying)
  );
}

/** Returns the accounts of a node's subtree whose figures a move of `underlying` can change, parents first. */
export function accountsMovedBy(tree: MarginTree, nodeId: string, underlying: string): string[] {
  return preOrder(tree.book, nodeId).filter((id) => movedBy(tree, id, underlying));
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

/** The search grid's trial points in one direction, in log price, nearest first (see FIRST_STEP). */
function gridLogs(direction: -1 | 1): number[] {
  const out: number[] = [];
  let step = FIRST_STEP;
  let prevLog = 0;
  const limit = direction < 0 ? -LOG_FLOOR : LOG_CEILING;
  while (Math.abs(prevLog) < limit) {
    const nextLog = direction * Math.min(Math.abs(prevLog) + step, limit);
    out.push(nextLog);
    prevLog = nextLog;
    step = Math.min(step * STEP_GROWTH, MAX_STEP);
  }
  return out;
}

const DIRECTIONS = [
  { direction: 'down', logs: gridLogs(-1) },
  { direction: 'up', logs: gridLogs(1) },
] as const;

/**
 * Returns the accounts a move of `underlying` can change in the subtrees of `nodes`, each subtree parents first:
 * within any one node's subtree in the order accountsMovedBy gives, so its sums are formed in the same order.
 */
function accountsMovedUnder(tree: MarginTree, nodes: ReadonlySet<string>, underlying: string): string[] {
  // A node is a top when no ancestor is in `nodes`; the answer per ancestor is kept, so each is walked once.
  const covered = new Map<string, boolean>();
  const isCovered = (id: string): boolean => {
    const path: string[] = [];
    let answer = false;
    for (let at: string | null = id; at !== null && tree.has(at); at = tree.account(at).parent) {
      const known = covered.get(at);
      if (known !== undefined) {
        answer = known;
        break;
      }
      if (nodes.has(at)) {
        answer = true;
        break;
      }
      path.push(at);
    }
    for (const p of path) covered.set(p, answer);
    return answer;
  };
  const out: string[] = [];
  for (const id of nodes) {
    const parent = tree.account(id).parent;
    if (parent === null || !isCovered(parent))
      for (const a of preOrder(tree.book, id)) if (movedBy(tree, a, underlying)) out.push(a);
  }
  return out;
}

/**
 * Returns the nearest liquidation prices below and above the current price of many nodes of one tree, for the
 * underlyings each lists (points in that order: `now`, or `down` then `up` where found). The stepping grid is
 * walked once for all nodes: at each trial price the moved accounts under every node still searching are
 * margined again once and their changes carried up the tree, so each node reads its cushion there (a parent's
 * figures are its children's summed, not a second re-margin of its subtree). A node's first step at or below
 * MM brackets its crossing, which Brent's method then finds by revaluing that node's moved accounts. A node's
 * figures are those of a search of it alone (treeLiquidationPoints), to the bit: each sum is formed in the same
 * order. `onProgress` counts grid steps (underlyings x steps of both directions).
 */
export function treeLiquidationTable(
  tree: MarginTree,
  wanted: ReadonlyMap<string, readonly string[]>,
  markets: MovedMarkets = new MovedMarkets(tree.context),
  onProgress?: (done: number, total: number) => void,
): Map<string, LiquidationPoint[]> {
  const nodesOf = new Map<string, string[]>();
  for (const [id, underlyings] of wanted)
    for (const u of underlyings) {
      let list = nodesOf.get(u);
      if (list === undefined) nodesOf.set(u, (list = []));
      list.push(id);
    }
  const found = new Map<string, Map<string, LiquidationPoint[]>>();
  const steps = DIRECTIONS.reduce((a, d) => a + d.logs.length, 0);
  const total = nodesOf.size * steps;
  let done = 0;
  for (const [u, nodes] of nodesOf) {
    const spot = tree.context.view.price(u);
    const points = new Map<string, LiquidationPoint[]>();
    found.set(u, points);
    const searching: string[] = [];
    for (const id of nodes) {
      const node = tree.node(id);
      if (node.equity - node.mm <= 0)
        points.set(id, [{ underlying: u, direction: 'now', price: spot, distance: 0 }]);
      else {
        points.set(id, []);
        searching.push(id);
      }
    }
    const movedAssets = new Set([u]);
    for (const { direction, logs } of DIRECTIONS) {
      const active = new Set(searching);
      let moved = accountsMovedUnder(tree, active, u).map((id) => tree.account(id));
      for (let k = 0; k < logs.length && active.size > 0; k++) {
        const factor = Math.exp(logs[k]!);
        const states =
          moved.length === 0 ? undefined : tree.apply(moved, { context: markets.at(u, factor), movedAssets });
        let crossed = false;
        for (const id of active) {
          const node = states?.get(id) ?? tree.node(id);
          const value = node.equity - node.mm;
          if (value > 0) continue;
          active.delete(id);
          crossed = true;
          let at = factor;
          if (value < 0) {
            const own = accountsMovedBy(tree, id, u);
            at = brent(
              (x) => treeCushionAt(tree, id, own, markets.at(u, x, false), u),
              k === 0 ? 1 : Math.exp(logs[k - 1]!),
              factor,
              1e-10,
            );
          }
          points.get(id)!.push({ underlying: u, direction, price: spot * at, distance: at - 1 });
        }
        if (crossed) moved = accountsMovedUnder(tree, active, u).map((id) => tree.account(id));
        onProgress?.(++done, total);
      }
    }
    // Steps not walked (every node crossed early) count as done.
    if (done < found.size * steps) onProgress?.((done = found.size * steps), total);
  }
  const out = new Map<string, LiquidationPoint[]>();
  for (const [id, underlyings] of wanted)
    out.set(
      id,
      underlyings.flatMap((u) => found.get(u)!.get(id)!),
    );
  return out;
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
  return treeLiquidationTable(tree, new Map([[nodeId, [underlying]]]), markets).get(nodeId)!;
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

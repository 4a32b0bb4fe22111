import type { OffsetPolicy, ResolvedBook } from '../core/index.js';
import { evaluateMargins } from '../aggregate/index.js';
import { noShift, type MarketView } from '../scenarios/index.js';
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

/** Returns equity minus maintenance margin of a node when `underlying` is moved by `factor`. */
export function cushionAt(
  book: ResolvedBook,
  nodeId: string,
  underlying: string,
  view: MarketView,
  factor: number,
  policy: OffsetPolicy,
): number {
  const moved = factor === 1 ? view : view.shifted(new Map([[underlying, { ...noShift(), factor }]]));
  const node = evaluateMargins(book, moved, { policy, root: nodeId }).get(nodeId);
  if (node === undefined) throw new RangeError(`unknown account ${nodeId}`);
  return node.equity - node.mm;
}

function search(f: (x: number) => number, direction: -1 | 1): number | undefined {
  let step = FIRST_STEP;
  let prevLog = 0;
  const limit = direction < 0 ? -LOG_FLOOR : LOG_CEILING;
  while (Math.abs(prevLog) < limit) {
    const nextLog = direction * Math.min(Math.abs(prevLog) + step, limit);
    const value = f(Math.exp(nextLog));
    if (value <= 0) {
      if (value === 0) return Math.exp(nextLog);
      return brent(f, Math.exp(prevLog), Math.exp(nextLog), 1e-10);
    }
    prevLog = nextLog;
    step = Math.min(step * STEP_GROWTH, MAX_STEP);
  }
  return undefined;
}

/**
 * Returns the nearest liquidation price below and above the current price for one underlying, by full
 * revaluation (equity and maintenance margin recomputed at each trial price) and root-finding; a direction
 * with no crossing between 1% and 10x of the price has no entry.
 */
export function liquidationPoints(
  book: ResolvedBook,
  nodeId: string,
  underlying: string,
  view: MarketView,
  policy: OffsetPolicy = book.offset,
): LiquidationPoint[] {
  const spot = view.price(underlying);
  const f = (factor: number): number => cushionAt(book, nodeId, underlying, view, factor, policy);
  const now = f(1);
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

// Survival of one account under moves of +-d in each underlying, as a function of collateral added or withdrawn:
// the worst cushion (equity - MM) over the checked moves, the collateral needed to survive d (root-finding on the
// amount added) and the collateral that can leave while it still survives d (root-finding on the amount taken).
import type { ResolvedBook } from '../core/index.js';
import { evaluateMargins } from '../aggregate/index.js';
import { accountExposure, isStable } from '../margin/index.js';
import { createRiskContext, noShift, type MarketView, type RiskContext } from '../scenarios/index.js';
import { exposedUnderlyings } from './greeks.js';
import { liquidationPoints } from './liquidation.js';
import { brent } from './rootFind.js';
import { addBalances, replaceAccounts } from './whatifBook.js';

/** The largest survivable move looked for: a rise to 10x, as the liquidation search (falls stop at -99%). */
export const MAX_DISTANCE = 9;
/** The deepest fall checked: 99%, as the liquidation search. */
const MIN_FACTOR = 0.01;

// Moves checked inside +-d besides its ends, so that a non-linear book's dip between 0 and d is seen.
const DOWN_GRID = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const UP_GRID = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5];

/** Signed asset amounts added to (> 0) or taken from (< 0) an account. */
export type AssetDeltas = ReadonlyMap<string, number>;

/** Evaluates accounts of one book under moves, sharing market views and risk arrays between calls. */
export interface SurvivalModel {
  /** Returns the smallest equity - MM (reporting currency) over moves within +-d of each underlying. */
  worstCushion(account: string, d: number, deltas: AssetDeltas): number;
  /** Returns equity - IM at the current market (what a venue lets leave), reporting currency. */
  freeCollateral(account: string, deltas: AssetDeltas): number;
  /** Returns the exact survivable distance: the nearest liquidation move of any underlying, at most MAX_DISTANCE. */
  distance(account: string, deltas: AssetDeltas): number;
  price(asset: string): number;
}

/** Returns the price factors checked for a distance d: the ends +-d and the grid points inside. */
export function checkedFactors(d: number): number[] {
  const out = [Math.max(MIN_FACTOR, 1 - d), 1 + d];
  for (const g of DOWN_GRID) if (g < d) out.push(1 - g);
  for (const g of UP_GRID) if (g < d) out.push(1 + g);
  return out;
}

/** Returns a survival model of the book's accounts on a view (the unshifted market of the book). */
export function survivalModel(book: ResolvedBook, view: MarketView): SurvivalModel {
  const contexts = new Map<string, RiskContext>();
  const contextAt = (u: string, factor: number): RiskContext => {
    const key = `${u}|${factor}`;
    let ctx = contexts.get(key);
    if (ctx === undefined) {
      ctx = createRiskContext(factor === 1 ? view : view.shifted(new Map([[u, { ...noShift(), factor }]])));
      contexts.set(key, ctx);
    }
    return ctx;
  };
  const bookWith = (id: string, deltas: AssetDeltas): ResolvedBook =>
    deltas.size === 0 ? book : replaceAccounts(book, [addBalances(book.accounts.get(id)!, deltas)]);
  const nodeAt = (b: ResolvedBook, id: string, ctx: RiskContext) =>
    evaluateMargins(b, ctx.view, { root: id, context: ctx }).get(id)!;
  const stable = (asset: string): boolean => isStable(asset, book.parameters, book.reportingCurrency);
  const underlyings = (b: ResolvedBook, id: string): string[] =>
    exposedUnderlyings([accountExposure(b.accounts.get(id)!, view)], stable);
  return {
    worstCushion(id, d, deltas) {
      const b = bookWith(id, deltas);
      const now = nodeAt(b, id, contextAt('', 1));
      let worst = now.equity - now.mm;
      for (const u of underlyings(b, id)) {
        for (const factor of checkedFactors(d)) {
          const node = nodeAt(b, id, contextAt(u, factor));
          worst = Math.min(worst, node.equity - node.mm);
        }
      }
      return worst;
    },
    freeCollateral(id, deltas) {
      const node = nodeAt(bookWith(id, deltas), id, contextAt('', 1));
      return node.equity - node.im;
    },
    distance(id, deltas) {
      const b = bookWith(id, deltas);
      let d = MAX_DISTANCE;
      for (const u of underlyings(b, id))
        for (const p of liquidationPoints(b, id, u, view)) d = Math.min(d, Math.abs(p.distance));
      return d;
    },
    price: (asset) => view.price(asset),
  };
}

function withDelta(deltas: AssetDeltas, asset: string, amount: number): Map<string, number> {
  const out = new Map(deltas);
  out.set(asset, (out.get(asset) ?? 0) + amount);
  return out;
}

const MAX_DOUBLINGS = 60;

/**
 * Returns the smallest amount of `asset` (asset units) that, added to the account on top of `deltas`, makes it
 * survive +-d; undefined when no amount does (within 2^60 times the first guess).
 */
export function collateralNeeded(
  model: SurvivalModel,
  account: string,
  d: number,
  asset: string,
  deltas: AssetDeltas,
): number | undefined {
  const f = (x: number): number => model.worstCushion(account, d, withDelta(deltas, asset, x));
  const f0 = f(0);
  if (f0 >= 0) return 0;
  let hi = (1.25 * -f0) / model.price(asset);
  for (let i = 0; i < MAX_DOUBLINGS; i++, hi *= 2) {
    const value = f(hi);
    if (value >= 0) return value === 0 ? hi : brentUp(f, hi);
  }
  return undefined;
}

/** Returns the smallest x in [0, hi] with f(x) >= 0 (f(0) < 0 <= f(hi)), a hair above the root. */
function brentUp(f: (x: number) => number, hi: number): number {
  const root = brent(f, 0, hi, 1e-10);
  // Brent stops within tolerance on either side: step up until the cushion is not negative.
  let x = root;
  for (let i = 0; i < 60 && f(x) < 0; i++) x += Math.max(Math.abs(x) * 1e-9, 1e-12);
  return x;
}

/**
 * Returns the largest amount of `asset` (asset units, at most `available`) that can leave the account on top of
 * `deltas` while it still survives +-d and keeps equity >= IM now; 0 when nothing can.
 */
export function collateralSurplus(
  model: SurvivalModel,
  account: string,
  d: number,
  asset: string,
  available: number,
  deltas: AssetDeltas,
): number {
  if (!(available > 0)) return 0;
  const g = (y: number): number => {
    const after = withDelta(deltas, asset, -y);
    return Math.min(model.worstCushion(account, d, after), model.freeCollateral(account, after));
  };
  if (g(0) < 0) return 0;
  if (g(available) >= 0) return available;
  const root = brent(g, 0, available, 1e-10);
  let y = root;
  for (let i = 0; i < 60 && y > 0 && g(y) < 0; i++) y = Math.max(0, y - Math.max(y * 1e-9, 1e-12));
  return y;
}

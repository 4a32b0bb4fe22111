// A node's scenario grid and margin ladder, for the dashboard: what the subtree's positions make or lose in each
// scenario of its underlyings' sets, and its equity and requirements as one underlying moves.
import type { ResolvedBook } from '../core/index.js';
import { basisComponents, evaluateMargins } from '../aggregate/index.js';
import {
  accountExposure,
  addGridSummary,
  emptyGridSummary,
  gridMarginOfSummary,
  gridSummary,
  mergeExposures,
} from '../margin/index.js';
import {
  createMarketView,
  createRiskContext,
  noShift,
  scenarioLabel,
  type MarketView,
} from '../scenarios/index.js';

/** One underlying's scenario set and the node's P&L under each scenario (reporting currency). */
export interface ScenarioGrid {
  underlying: string;
  /** Index price now. */
  price: number;
  /** Price scan range as a fraction of the price (0.15 = ±15%). */
  range: number;
  sigma: number | null;
  /** Parallel arrays, one entry per scenario. */
  priceMoves: number[];
  volShocks: number[];
  /** 1 for regular scenarios, the cover fraction for extreme ones (the P&L is already weighted). */
  weights: number[];
  pnl: number[];
  /** Index of the largest loss (the scan risk's scenario) and its name. */
  worstIndex: number;
  worstScenario: string;
  /** The largest loss, positive; 0 when no scenario loses. */
  scanRisk: number;
  /**
   * The basis charge (MM) the netted node adds for this underlying where its perpetuals and futures offset
   * across venues, settlement assets or kinds (docs/methodology.md, "Basis between classes"); 0 when none.
   * A netted node's MM from this underlying is scanRisk + basis.
   */
  basis: number;
}

/** One rung of the ladder: the node when the underlying has moved by `move` (fraction) to `price`. */
export interface LadderPoint {
  move: number;
  price: number;
  equity: number;
  im: number;
  mm: number;
}

function subtreeIds(book: ResolvedBook, nodeId: string): string[] {
  const account = book.accounts.get(nodeId);
  if (account === undefined) throw new RangeError(`unknown account ${nodeId}`);
  return [nodeId, ...account.children.flatMap((c) => subtreeIds(book, c))];
}

/**
 * Returns the node's scenario grids: the grid model's net scenario vector of its whole subtree's exposure (the
 * vector netting across everything under the node would scan), per underlying, with the node's parameters.
 */
export function scenarioGrids(book: ResolvedBook, nodeId: string, view?: MarketView): ScenarioGrid[] {
  const v = view ?? createMarketView(book.market, book.reportingCurrency);
  const ctx = createRiskContext(v);
  const ids = subtreeIds(book, nodeId);
  const accounts = ids.map((id) => book.accounts.get(id)!);
  const exposures = accounts.map((a) => accountExposure(a, v));
  const exposure = mergeExposures(exposures);
  const parameters = book.accounts.get(nodeId)!.parameters;
  // One summary per account, summed, as the margin tree nets them: the basis classes need each account's venue,
  // which the merged exposure no longer carries.
  const summary = emptyGridSummary();
  exposures.forEach((e, i) =>
    addGridSummary(summary, gridSummary(e, ctx, parameters, accounts[i]!.venue), 1),
  );
  const result = gridMarginOfSummary(summary, ctx, parameters, exposure);
  const basis = new Map<string, number>();
  for (const c of basisComponents(summary, parameters))
    if (c.underlying !== undefined) basis.set(c.underlying, (basis.get(c.underlying) ?? 0) + c.mm);
  return [...(result.vectors ?? new Map<string, Float64Array>())].map(([underlying, vector]) => {
    const set = ctx.scenarioSet(underlying, parameters);
    let worst = 0;
    for (let s = 1; s < vector.length; s++) if (vector[s]! < vector[worst]!) worst = s;
    return {
      underlying,
      price: v.price(underlying),
      range: set.range,
      sigma: set.sigma ?? null,
      priceMoves: Array.from(set.priceMoves),
      volShocks: Array.from(set.volShocks),
      weights: Array.from(set.weights),
      pnl: Array.from(vector),
      worstIndex: worst,
      worstScenario: scenarioLabel(set, worst),
      scanRisk: Math.max(0, -(vector[worst] ?? 0)),
      basis: basis.get(underlying) ?? 0,
    };
  });
}

/** Returns `points` evenly spaced moves from `from` to `to` (fractions), with 0 included when in range. */
export function ladderMoves(from: number, to: number, points: number): number[] {
  const moves = Array.from({ length: points }, (_x, i) => from + ((to - from) * i) / (points - 1));
  if (from < 0 && to > 0 && !moves.some((m) => Math.abs(m) < 1e-12)) moves.push(0);
  return moves.sort((a, b) => a - b).map((m) => (Math.abs(m) < 1e-12 ? 0 : m));
}

/**
 * Returns the node's equity, IM and MM with one underlying moved by each of `moves` and everything else held,
 * by full revaluation (the computation behind the liquidation search, `cushionAt`, with both sides kept).
 */
export function marginLadder(
  book: ResolvedBook,
  nodeId: string,
  underlying: string,
  moves: readonly number[],
): LadderPoint[] {
  if (!book.accounts.has(nodeId)) throw new RangeError(`unknown account ${nodeId}`);
  const view = createMarketView(book.market, book.reportingCurrency);
  const spot = view.price(underlying);
  return moves.map((move) => {
    const moved =
      move === 0 ? view : view.shifted(new Map([[underlying, { ...noShift(), factor: 1 + move }]]));
    const node = evaluateMargins(book, moved, { policy: book.offset, root: nodeId }).get(nodeId)!;
    return { move, price: spot * (1 + move), equity: node.equity, im: node.im, mm: node.mm };
  });
}

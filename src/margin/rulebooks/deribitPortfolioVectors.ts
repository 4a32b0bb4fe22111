// Deribit portfolio margin risk vectors: the P&L of a position in its settlement currency (coin for inverse
// instruments, USDC for linear ones; profit positive, as Deribit's `initial_risk_vectors`) under the standard
// table (2n + 1 price buckets from -R to +R, each at vol up, same and down) and the extended table (large
// moves at vol up only). Futures and perpetuals move with the bucket's price factor: an inverse contract of
// size s coins gains s x (1 - 1/(1 + m)) coins, which is exactly Deribit's published vector. In the extended
// table their move is clamped to ±R, as the published extended vectors of BTC-PERPETUAL and BTC-28JUN24 show
// (each extended entry equals the standard entry at -R or +R). Options are revalued with Black-76 at the
// moved forward and the shocked vol, instantly (no time passes).
import type { OptionInstrument, ResolvedPosition } from '../../core/index.js';
import { black76Greeks, black76Price } from '../../pricing/index.js';
import type { MarketView } from '../../scenarios/index.js';
import type { DeribitPairParameters, DeribitPortfolioParameters } from './deribitPortfolioParameters.js';

/** Vol states of the standard table, in vector order within a bucket. */
export const VOL_STATES = ['up', 'same', 'down'] as const;
/** One of the three vol states. */
export type VolState = (typeof VOL_STATES)[number];

/** P&L vectors of a position or a portfolio in its settlement currency. */
export interface RiskVectors {
  /** Bucket-major: entry 3b + v is bucket b (from -R) at vol state VOL_STATES[v]. */
  standard: Float64Array;
  /** One entry per extended move, at vol up. */
  extended: Float64Array;
}

/** Returns the standard table's price moves: R x (b - n) / n for b = 0..2n. */
export function bucketMoves(range: number, bucketsCount: number): number[] {
  return Array.from({ length: 2 * bucketsCount + 1 }, (_v, b) => (range * (b - bucketsCount)) / bucketsCount);
}

/**
 * Returns the shocked vol of an option with `days` to expiry: vol x (1 + up x s), at least the pair's minimum
 * for up; vol x max(0, 1 - down x s) for down; s = (30 / days)^power, the short-term power within 30 days.
 */
export function shockedVol(
  vol: number,
  days: number,
  state: VolState,
  pair: DeribitPairParameters,
  minDays: number,
): number {
  if (state === 'same') return vol;
  const d = Math.max(days, minDays);
  const power = d < 30 ? pair.shortTermVegaPower : pair.longTermVegaPower;
  const scale = (30 / d) ** power;
  if (state === 'up')
    return Math.max(vol * (1 + pair.volatilityRangeUp * scale), pair.minVolatilityForShockUp);
  return vol * Math.max(0, 1 - pair.volatilityRangeDown * scale);
}

/** The settlement currency of a position: the coin for inverse instruments, the quote for linear ones. */
export function settlementCurrency(p: ResolvedPosition): string {
  const i = p.instrument;
  return i.settlement === 'inverse' ? i.underlying : i.quote;
}

interface OptionState {
  forward: number;
  vol: number;
  t: number;
  rate: number;
}

function optionState(option: OptionInstrument, view: MarketView): OptionState {
  return {
    forward: view.forward(option),
    vol: view.vol(option),
    t: view.timeToExpiry(option.expiry),
    rate: view.market.rates[option.quote] ?? 0,
  };
}

/** Returns an option's value per unit in its settlement currency at a forward and vol. */
function optionValue(option: OptionInstrument, s: OptionState, forward: number, vol: number): number {
  const price = black76Price({
    forward,
    strike: option.strike,
    vol,
    timeToExpiry: s.t,
    rate: s.rate,
    optionType: option.optionType,
  });
  return option.settlement === 'inverse' ? price / forward : price;
}

/** Returns a delta-one position's P&L in its settlement currency for a price move m. */
function deltaOnePnl(p: ResolvedPosition, view: MarketView, m: number): number {
  const i = p.instrument;
  const mark = view.deltaOneMark(i);
  if (i.settlement === 'inverse') return ((p.quantity * i.contractSize) / mark) * (1 - 1 / (1 + m));
  return p.quantity * i.contractSize * mark * m;
}

/** Returns a position's risk vectors in its settlement currency (profit positive). */
export function positionVectors(
  p: ResolvedPosition,
  view: MarketView,
  pair: DeribitPairParameters,
  parameters: DeribitPortfolioParameters,
): RiskVectors {
  const moves = bucketMoves(pair.priceRange, parameters.bucketsCount);
  const standard = new Float64Array(moves.length * VOL_STATES.length);
  const extended = new Float64Array(parameters.extendedMoves.length);
  const i = p.instrument;
  if (i.kind === 'option') {
    const s = optionState(i, view);
    const units = p.quantity * i.contractSize;
    const base = optionValue(i, s, s.forward, s.vol);
    const at = (m: number, state: VolState): number => {
      const vol = shockedVol(s.vol, s.t * 365, state, pair, parameters.minDaysToExpiry);
      return units * (optionValue(i, s, s.forward * (1 + m), vol) - base);
    };
    moves.forEach((m, b) => VOL_STATES.forEach((v, k) => (standard[3 * b + k] = at(m, v))));
    parameters.extendedMoves.forEach((m, e) => (extended[e] = at(m, 'up')));
    return { standard, extended };
  }
  if (i.kind === 'perpetual' || i.kind === 'future') {
    const r = pair.priceRange;
    moves.forEach((m, b) => standard.fill(deltaOnePnl(p, view, m), 3 * b, 3 * b + 3));
    parameters.extendedMoves.forEach(
      (m, e) => (extended[e] = deltaOnePnl(p, view, Math.min(r, Math.max(-r, m)))),
    );
    return { standard, extended };
  }
  throw new RangeError(`deribit-pm margins options, futures and perpetuals; ${i.id} is a ${i.kind}`);
}

/**
 * Returns a position's delta in units of the underlying as Deribit counts it: futures their size in coins;
 * options their Black-76 delta, less the coin premium for inverse options (Deribit's net transaction delta).
 */
export function positionDelta(p: ResolvedPosition, view: MarketView): number {
  const i = p.instrument;
  if (i.kind !== 'option') {
    const mark = view.deltaOneMark(i);
    return i.settlement === 'inverse' ? (p.quantity * i.contractSize) / mark : p.quantity * i.contractSize;
  }
  const s = optionState(i, view);
  const g = black76Greeks({
    forward: s.forward,
    strike: i.strike,
    vol: s.vol,
    timeToExpiry: s.t,
    rate: s.rate,
    optionType: i.optionType,
  });
  const net = i.settlement === 'inverse' ? g.delta - g.price / s.forward : g.delta;
  return p.quantity * i.contractSize * net;
}

/** Returns the sum of vectors (all of the same shape). */
export function addVectors(parts: readonly RiskVectors[], shape: RiskVectors): RiskVectors {
  const standard = new Float64Array(shape.standard.length);
  const extended = new Float64Array(shape.extended.length);
  for (const v of parts) {
    v.standard.forEach((x, k) => (standard[k]! += x));
    v.extended.forEach((x, k) => (extended[k]! += x));
  }
  return { standard, extended };
}

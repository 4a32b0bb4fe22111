// The margin backtest of a CCP (RTS 153/2013 Art. 49: an ex-post comparison of observed outcomes with the
// margin the model required): the book's positions are held fixed and rolled through a price history; at
// each bar the book is re-marked at the historical price, margined with the scan range of that bar, and the
// margin is compared with the loss realised over the following margin period of risk.
import type { ResolvedBook } from '../core/index.js';
import { normalCdf } from '../pricing/index.js';
import type { ShockRangePath } from '../scenarios/shockRange.js';
import {
  breachIndices,
  coverageRatio,
  distinctDays,
  horizonEnds,
  largestIncrease,
  peakToTrough,
  realisedLosses,
  type Increase,
  type LossMeasure,
  type TimedValue,
} from './backtestMetrics.js';
import { buildBookProfile, profileMargin, profileValue, type BookProfile } from './backtestProfile.js';

/** What a backtest tests and how it measures losses and procyclicality. */
export interface BacktestOptions {
  /** Which requirement is tested: MM (the scan risk, what z and the MPOR calibrate) or IM (MM x imMultiplier). */
  margin: 'mm' | 'im';
  loss: LossMeasure;
  /** Window of the short-term procyclicality measure, in days (5). */
  procyclicalityDays: number;
  /** Only bars at or after / at or before these times (epoch ms) are tested; earlier bars still warm up. */
  from?: number;
  to?: number;
}

/** MM against the loss at the end of the MPOR, largest rise over 5 days. */
export const DEFAULT_BACKTEST_OPTIONS: BacktestOptions = { margin: 'mm', loss: 'end', procyclicalityDays: 5 };

/** Per tested bar, parallel arrays; amounts in the reporting currency, ranges as fractions of the price. */
export interface BacktestSeries {
  times: number[];
  prices: number[];
  baseRanges: Float64Array;
  ranges: Float64Array;
  margins: Float64Array;
  /** Loss realised over the MPOR from the bar (negative = a gain); 0 when not observed. */
  losses: Float64Array;
  /** 1 when the MPOR ended inside the data, so the bar counts as an observation. */
  observed: Uint8Array;
}

/** A bar whose realised loss exceeded its margin. */
export interface Breach {
  time: number;
  price: number;
  range: number;
  margin: number;
  loss: number;
}

/** The procyclicality measures of one series (margin amounts, or ranges). */
export interface Procyclicality {
  peak: TimedValue | null;
  trough: TimedValue | null;
  /** Peak / trough over the whole period; null when the trough is 0. */
  peakToTrough: number | null;
  largestIncrease: Increase | null;
}

/** The headline figures of a backtest: counts, coverage (fractions) and procyclicality. */
export interface BacktestSummary {
  bars: number;
  from: number;
  to: number;
  observations: number;
  breaches: number;
  breachDays: number;
  /** Breaches a model exact at its confidence would have: observations x (1 - Phi(z)). */
  expectedBreaches: number;
  /** Share of observations covered: (observations - breaches) / observations. */
  coverage: number | null;
  /** Phi(z): the coverage the range's z is calibrated to. */
  targetCoverage: number;
  /** The bar with the largest loss relative to its margin. */
  largestShortfall: { time: number; margin: number; loss: number; ratio: number | null } | null;
  margin: Procyclicality;
  range: Procyclicality;
}

/** A backtest's per-bar series, its breaches and its summary. */
export interface BacktestResult {
  underlying: string;
  options: BacktestOptions;
  series: BacktestSeries;
  breaches: Breach[];
  summary: BacktestSummary;
}

function procyclicality(times: number[], values: Float64Array, days: number): Procyclicality {
  const pt = peakToTrough(times, values);
  return {
    peak: pt?.peak ?? null,
    trough: pt?.trough ?? null,
    peakToTrough: pt?.ratio ?? null,
    largestIncrease: largestIncrease(times, values, days),
  };
}

function largestShortfall(s: BacktestSeries): BacktestSummary['largestShortfall'] {
  let best: BacktestSummary['largestShortfall'] = null;
  for (let i = 0; i < s.times.length; i++) {
    if (s.observed[i] !== 1) continue;
    const loss = s.losses[i]!;
    const margin = s.margins[i]!;
    const ratio = margin > 0 ? loss / margin : null;
    const better = best === null || (ratio ?? Infinity) > (best.ratio ?? Infinity);
    if (better) best = { time: s.times[i]!, margin, loss, ratio };
  }
  return best;
}

/** Returns the bars of the path to test: those within [from, to]. */
function testedRange(path: ShockRangePath, options: BacktestOptions): [number, number] {
  let lo = 0;
  while (lo < path.times.length && path.times[lo]! < (options.from ?? -Infinity)) lo++;
  let hi = path.times.length;
  while (hi > lo && path.times[hi - 1]! > (options.to ?? Infinity)) hi--;
  return [lo, hi];
}

/**
 * Returns the backtest of a profiled book over a scan-range path: margins per bar, losses over the path's MPOR,
 * breaches, coverage and procyclicality. Losses may use bars after `to` (the MPOR that starts inside).
 */
export function runBacktest(
  profile: BookProfile,
  path: ShockRangePath,
  options: BacktestOptions = DEFAULT_BACKTEST_OPTIONS,
): BacktestResult {
  const factors = path.closes.map((c) => c / profile.spot);
  const values = factors.map((k) => profileValue(profile, 0, k));
  const ends = horizonEnds(path.times, path.parameters.mporDays * 86_400_000);
  const all = realisedLosses(values, ends, options.loss);
  const [lo, hi] = testedRange(path, options);
  const margins = new Float64Array(hi - lo);
  for (let i = lo; i < hi; i++) {
    const m = profileMargin(profile, factors[i]!, path.range[i]!);
    margins[i - lo] = options.margin === 'mm' ? m.mm : m.im;
  }
  const series: BacktestSeries = {
    times: path.times.slice(lo, hi),
    prices: path.closes.slice(lo, hi),
    baseRanges: path.base.slice(lo, hi),
    ranges: path.range.slice(lo, hi),
    margins,
    losses: all.losses.slice(lo, hi),
    observed: all.observed.slice(lo, hi),
  };
  const hits = breachIndices(series.margins, series.losses, series.observed);
  const breaches = hits.map((i) => ({
    time: series.times[i]!,
    price: series.prices[i]!,
    range: series.ranges[i]!,
    margin: series.margins[i]!,
    loss: series.losses[i]!,
  }));
  const observations = series.observed.reduce((a, o) => a + o, 0);
  const targetCoverage = normalCdf(path.parameters.z);
  const days = options.procyclicalityDays;
  const summary: BacktestSummary = {
    bars: series.times.length,
    from: series.times[0] ?? 0,
    to: series.times[series.times.length - 1] ?? 0,
    observations,
    breaches: breaches.length,
    breachDays: distinctDays(breaches.map((b) => b.time)),
    expectedBreaches: observations * (1 - targetCoverage),
    coverage: coverageRatio(observations, breaches.length),
    targetCoverage,
    largestShortfall: largestShortfall(series),
    margin: procyclicality(series.times, series.margins, days),
    range: procyclicality(series.times, series.ranges, days),
  };
  return { underlying: profile.underlying, options, series, breaches, summary };
}

/** Returns the factor range a profile must cover for a path: every price x (1 ± extreme move), with room. */
export function profileBounds(
  path: ShockRangePath,
  spot: number,
  extremeMultiple: number,
): { minFactor: number; maxFactor: number } {
  const reach = extremeMultiple * path.range.reduce((a, r) => Math.max(a, r), 0);
  if (!(reach < 1))
    throw new RangeError(
      `extremeMultiple x largest range = ${reach.toFixed(3)} would move the price to <= 0; lower the range max`,
    );
  const lo = path.closes.reduce((a, c) => Math.min(a, c), Infinity) / spot;
  const hi = path.closes.reduce((a, c) => Math.max(a, c), 0) / spot;
  return { minFactor: lo * (1 - reach) * 0.99, maxFactor: hi * (1 + reach) * 1.01 };
}

/** Returns the backtest of a whole book (margined as one grid portfolio) in one underlying over a range path. */
export function backtestBook(
  book: ResolvedBook,
  underlying: string,
  path: ShockRangePath,
  options: BacktestOptions = DEFAULT_BACKTEST_OPTIONS,
): BacktestResult {
  const scenarios = book.parameters.underlyings[underlying] ?? book.parameters.scenarios;
  const spot = book.market.prices[underlying];
  if (spot === undefined) throw new RangeError(`the book has no index price for ${underlying}`);
  const bounds = profileBounds(path, spot, scenarios.extremeMultiple);
  return runBacktest(buildBookProfile(book, underlying, bounds), path, options);
}

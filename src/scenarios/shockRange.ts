// The price scan range through time: R_t = clamp(z · sigma_t · sqrt(MPOR / 365), min, max), with sigma_t from
// a volatility estimator that sees only returns up to bar t, then an anti-procyclicality tool applied.
import { InputError, type InputIssue } from '../core/index.js';
import {
  apcIssues,
  bufferedRanges,
  lookbackVolatilityPath,
  stressedVolatilityPath,
  weightedStressVolatility,
  type ApcTool,
} from './antiProcyclicality.js';
import { checkPriceSeries, type PriceSeries } from './priceSeries.js';
import { logReturns, periodsPerYear } from './volatility.js';
import { ewmaVolatilityPath, lambdaPerBar, realisedVolatilityPath } from './volatilityPath.js';

/** Where sigma_t comes from. */
export type VolatilityEstimator =
  /** RiskMetrics EWMA of log returns; lambda per day, converted to the bar length (lambdaPerBar). */
  | { kind: 'ewma'; lambdaPerDay: number }
  /** Sample standard deviation of the returns of the last `windowDays`. */
  | { kind: 'realised'; windowDays: number }
  /** One vol throughout: given, or an ATM implied vol taken from a market snapshot. */
  | { kind: 'constant'; sigma: number };

/** What defines the scan range through time: estimator, z, MPOR, bounds and APC tool. */
export interface ShockRangeParameters {
  estimator: VolatilityEstimator;
  /** Standard deviations covered: 2.58 is 99.5% one-sided, the confidence RTS 153/2013 Art. 24 asks of CCPs. */
  z: number;
  /** Margin period of risk in days: at least 2 for instruments other than OTC derivatives (RTS 153/2013 Art. 26). */
  mporDays: number;
  /** Bounds of R as fractions of the price. */
  min: number;
  max: number;
  apc: ApcTool;
  /** Returns seen before the first range; default 30 days of bars (at least 20) for EWMA, the window for realised. */
  warmupBars?: number;
}

/** The scan range at every bar from `first` on; arrays are parallel, index 0 is series bar `first`. */
export interface ShockRangePath {
  /** Index in the series of the first bar with a range. */
  first: number;
  times: number[];
  closes: number[];
  intervalHours: number;
  /** The estimator's annualised vol. */
  sigma: Float64Array;
  /** The vol behind the APC tool's range (floor: lookback vol; weight: weighted vol); absent otherwise. */
  apcSigma: Float64Array | undefined;
  /** R_t without the APC tool (fraction of the price). */
  base: Float64Array;
  /** R_t with the APC tool (fraction of the price). */
  range: Float64Array;
  parameters: ShockRangeParameters;
}

/** Returns R = clamp(z · sigma · sqrt(mporDays / 365), min, max), a fraction of the price. */
export function shockRange(
  sigma: number,
  p: Pick<ShockRangeParameters, 'z' | 'mporDays' | 'min' | 'max'>,
): number {
  return Math.min(p.max, Math.max(p.min, p.z * sigma * Math.sqrt(p.mporDays / 365)));
}

/** Returns the issues of range parameters (empty when valid), each named by its field. */
export function shockRangeIssues(p: ShockRangeParameters): InputIssue[] {
  const issues: InputIssue[] = [];
  const positive = (path: string, v: number): void => {
    if (!(v > 0 && Number.isFinite(v))) issues.push({ path, message: `must be > 0, got ${v}` });
  };
  positive('z', p.z);
  positive('mporDays', p.mporDays);
  positive('min', p.min);
  positive('max', p.max);
  if (p.max >= 1) issues.push({ path: 'max', message: `must be < 1 (a move of 100% or more), got ${p.max}` });
  if (p.min > p.max) issues.push({ path: 'min', message: `must not exceed max (${p.max}), got ${p.min}` });
  const e = p.estimator;
  if (e.kind === 'ewma' && !(e.lambdaPerDay >= 0 && e.lambdaPerDay < 1))
    issues.push({ path: 'estimator.lambdaPerDay', message: `must be in [0, 1), got ${e.lambdaPerDay}` });
  if (e.kind === 'realised') positive('estimator.windowDays', e.windowDays);
  if (e.kind === 'constant') positive('estimator.sigma', e.sigma);
  if (p.warmupBars !== undefined && !(Number.isInteger(p.warmupBars) && p.warmupBars >= 1))
    issues.push({ path: 'warmupBars', message: `must be an integer >= 1, got ${p.warmupBars}` });
  issues.push(...apcIssues(p.apc));
  return issues;
}

function barsIn(days: number, intervalHours: number): number {
  return Math.max(1, Math.round((days * 24) / intervalHours));
}

function estimatorPath(e: VolatilityEstimator, returns: number[], intervalHours: number): Float64Array {
  const perYear = periodsPerYear(intervalHours);
  switch (e.kind) {
    case 'ewma':
      return ewmaVolatilityPath(returns, lambdaPerBar(e.lambdaPerDay, intervalHours), perYear);
    case 'realised':
      return realisedVolatilityPath(returns, Math.max(2, barsIn(e.windowDays, intervalHours)), perYear);
    case 'constant':
      return new Float64Array(returns.length).fill(e.sigma);
  }
}

function defaultWarmup(e: VolatilityEstimator, intervalHours: number): number {
  if (e.kind === 'constant') return 1;
  if (e.kind === 'realised') return Math.max(2, barsIn(e.windowDays, intervalHours));
  return Math.max(20, barsIn(30, intervalHours));
}

/** Returns the vol path an APC tool builds its range from (per return), or undefined for none and buffer. */
function apcSigmaPath(
  tool: ApcTool,
  returns: number[],
  sigma: Float64Array,
  intervalHours: number,
): Float64Array | undefined {
  const perYear = periodsPerYear(intervalHours);
  if (tool.kind === 'floor')
    return lookbackVolatilityPath(returns, barsIn(tool.lookbackDays, intervalHours), perYear);
  if (tool.kind !== 'weight') return undefined;
  const stressed = stressedVolatilityPath(
    returns,
    barsIn(tool.stressDays, intervalHours),
    barsIn(tool.lookbackDays, intervalHours),
    perYear,
  );
  return sigma.map((s, i) => weightedStressVolatility(s, stressed[i]!, tool.weight));
}

/**
 * Returns the scan range through time. At bar b the estimators have seen returns 1..b (closes 0..b), never
 * later ones; the first bar with a range is the one after the warm-up. Throws InputError on bad parameters
 * or a series too short for the warm-up.
 */
export function shockRangePath(series: PriceSeries, p: ShockRangeParameters): ShockRangePath {
  const issues = shockRangeIssues(p);
  if (issues.length > 0) throw new InputError(issues);
  checkPriceSeries(series);
  const { intervalHours } = series;
  const returns = logReturns(series.closes);
  const first = p.warmupBars ?? defaultWarmup(p.estimator, intervalHours);
  if (first >= series.closes.length)
    throw new InputError([
      {
        path: series.source ?? 'prices',
        message: `${series.closes.length} bars, but the estimator needs ${first} returns before its first range`,
        hint: 'give a longer price history',
      },
    ]);
  // Vol path entry i is after return i, which ends at bar i + 1.
  const perReturn = estimatorPath(p.estimator, returns, intervalHours);
  const apcPerReturn = apcSigmaPath(p.apc, returns, perReturn, intervalHours);
  const sigma = perReturn.slice(first - 1);
  const apcSigma = apcPerReturn?.slice(first - 1);
  const base = sigma.map((s) => shockRange(s, p));
  const times = series.times.slice(first);
  let range: Float64Array;
  if (p.apc.kind === 'buffer') {
    const buffered = bufferedRanges(base, times, p.apc.buffer, p.apc.rebuildDays);
    range = buffered.map((r) => Math.min(p.max, r));
  } else if (p.apc.kind === 'floor' && apcSigma !== undefined) {
    range = base.map((r, i) => Math.max(r, shockRange(apcSigma[i]!, p)));
  } else if (p.apc.kind === 'weight' && apcSigma !== undefined) {
    range = apcSigma.map((s) => shockRange(s, p));
  } else {
    range = base.slice();
  }
  return {
    first,
    times,
    closes: series.closes.slice(first),
    intervalHours,
    sigma,
    apcSigma,
    base,
    range,
    parameters: p,
  };
}

import type { RangeParameters, ScenarioParameters } from '../core/index.js';
import { interpolateStrikeVol, sviVol, yearFraction } from '../pricing/index.js';
import type { AssetShift, MarketView } from './marketView.js';
import { ewmaVolatility, logReturns, periodsPerYear } from './volatility.js';

/** The shocks applied to one underlying: parallel arrays, one entry per scenario. */
export interface ScenarioSet {
  underlying: string;
  /** Price scan range R as a fraction of the index (0.15 = ±15%). */
  range: number;
  /** The annualised vol R was scaled from, when the range is volatility-based. */
  sigma: number | undefined;
  priceMoves: Float64Array;
  volShocks: Float64Array;
  /** 1 for regular scenarios, the cover fraction for extreme ones; risk arrays are stored pre-weighted. */
  weights: Float64Array;
  parameters: ScenarioParameters;
}

const DEFAULT_LAMBDA = 0.94;
const ATM_TARGET_DAYS = 30;

/** Returns the ATM implied vol of the smile whose expiry is nearest 30 days out. */
export function atmImpliedVol(view: MarketView, underlying: string): number {
  const { market } = view;
  const target = market.asOf + ATM_TARGET_DAYS * 86_400_000;
  const smiles = (market.smiles[underlying] ?? []).filter((s) => s.expiry > market.asOf);
  const smile = smiles.sort((a, b) => Math.abs(a.expiry - target) - Math.abs(b.expiry - target))[0];
  if (smile === undefined) throw new RangeError(`range.source implied needs market.smiles.${underlying}`);
  const spot = view.price(underlying);
  const forwards = market.forwards[underlying] ?? [];
  const forward = forwards.find((f) => f.expiry === smile.expiry)?.price ?? spot;
  const t = yearFraction(market.asOf, smile.expiry);
  return 'svi' in smile
    ? sviVol(smile.svi, forward, forward, t)
    : interpolateStrikeVol(smile.points, forward);
}

/** Returns the annualised vol that a volatility-scaled range is built on. */
function sigmaFor(
  range: RangeParameters & { mode: 'volatility' },
  view: MarketView,
  underlying: string,
): number {
  if (range.source === 'given') {
    if (range.sigma === undefined) throw new RangeError('range.sigma is required when range.source is given');
    return range.sigma;
  }
  if (range.source === 'implied') return atmImpliedVol(view, underlying);
  const history = view.market.history[underlying];
  if (history === undefined) throw new RangeError(`range.source ewma needs market.history.${underlying}`);
  return ewmaVolatility(
    logReturns(history.closes),
    range.lambda ?? DEFAULT_LAMBDA,
    periodsPerYear(history.intervalHours),
  );
}

/** Returns the price scan range R and the sigma it came from. */
export function scanRange(
  parameters: ScenarioParameters,
  view: MarketView,
  underlying: string,
): { range: number; sigma: number | undefined } {
  const r = parameters.range;
  if (r.mode === 'fixed') return { range: r.value, sigma: undefined };
  const sigma = sigmaFor(r, view, underlying);
  const raw = r.z * sigma * Math.sqrt(r.horizonDays / 365);
  return { range: Math.min(r.max, Math.max(r.min, raw)), sigma };
}

/** Returns the scenario set of an underlying: price moves R*j/n (j = -n..n) and ±E*R, each at three vol states. */
export function buildScenarioSet(
  underlying: string,
  parameters: ScenarioParameters,
  view: MarketView,
): ScenarioSet {
  const { range, sigma } = scanRange(parameters, view, underlying);
  const { steps: n, extremeMultiple: e, extremeCover } = parameters;
  if (e * range >= 1) {
    throw new RangeError(
      `extremeMultiple x range = ${(e * range).toFixed(3)} would move ${underlying} to a price <= 0; lower range or extremeMultiple`,
    );
  }
  const extra = parameters.extraMoves ?? [];
  const impossible = extra.find((x) => x.move <= -1);
  if (impossible !== undefined) {
    throw new RangeError(`an extra move of ${impossible.move} would move ${underlying} to a price <= 0`);
  }
  const vols = [0, parameters.volUp, -parameters.volDown];
  const perVol = 2 * n + 3 + extra.length;
  const size = vols.length * perVol;
  const priceMoves = new Float64Array(size);
  const volShocks = new Float64Array(size);
  const weights = new Float64Array(size);
  let k = 0;
  for (const vol of vols) {
    for (let j = -n; j <= n; j++, k++) {
      priceMoves[k] = (range * j) / n;
      volShocks[k] = vol;
      weights[k] = 1;
    }
    for (const sign of [-1, 1]) {
      priceMoves[k] = sign * e * range;
      volShocks[k] = vol;
      weights[k] = extremeCover;
      k++;
    }
    for (const x of extra) {
      priceMoves[k] = x.move;
      volShocks[k] = vol;
      weights[k] = x.cover;
      k++;
    }
  }
  return { underlying, range, sigma, priceMoves, volShocks, weights, parameters };
}

/** Returns the asset shift of scenario `index` of a set. */
export function scenarioShift(set: ScenarioSet, index: number): AssetShift {
  const scaling = set.parameters.volTimeScaling;
  return {
    factor: 1 + (set.priceMoves[index] ?? 0),
    volShock: set.volShocks[index] ?? 0,
    volShift: 0,
    volFloor: set.parameters.volFloor,
    volScale:
      scaling === null ? () => 1 : (t) => (scaling.referenceDays / Math.max(t * 365, 1)) ** scaling.power,
  };
}

/** Returns a readable name of a scenario, e.g. "BTC -15.0% vol +25%" or "BTC +30.0% vol 0 (extreme, 35%)". */
export function scenarioLabel(set: ScenarioSet, index: number): string {
  const move = (set.priceMoves[index] ?? 0) * 100;
  const vol = (set.volShocks[index] ?? 0) * 100;
  const weight = set.weights[index] ?? 1;
  const volText = vol === 0 ? 'vol 0' : `vol ${vol > 0 ? '+' : ''}${vol.toFixed(0)}%`;
  const perVol = set.priceMoves.length / 3;
  const venueMove = index % perVol >= 2 * set.parameters.steps + 3;
  const extreme = venueMove
    ? ` (venue move, ${(weight * 100).toFixed(0)}%)`
    : weight < 1
      ? ` (extreme, ${(weight * 100).toFixed(0)}%)`
      : '';
  return `${set.underlying} ${move >= 0 ? '+' : ''}${move.toFixed(1)}% ${volText}${extreme}`;
}

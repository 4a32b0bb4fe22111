// SPAN risk arrays and composite deltas produced from our pricing, in SPAN's convention: per long contract, in
// the reporting currency, losses positive. Each scenario moves the underlying by a fraction of the price scan
// range, shocks implied vols by the volatility scan range (relative), and lets the look-ahead time pass, as
// SPAN values options "as they would exist on the next trading day" (McMillan, p. 669). The composite delta is
// the weighted average of the deltas at the seven price points of the scan (vol unchanged, after look-ahead).
import type { Instrument } from '../../../core/index.js';
import { black76Price } from '../../../pricing/index.js';
import type { MarketView } from '../../../scenarios/index.js';
import { DEFAULT_DELTA_WEIGHTS, type SpanCommodity } from './parameters.js';
import { spanScenarios } from './scenarios.js';

/** A contract's risk array (16 values, losses positive) and composite delta (underlying units). */
export interface SpanContractArray {
  riskArray: number[];
  compositeDelta: number;
}

const DELTA_BUMP = 1e-4;
const DAYS_PER_YEAR = 365;

/**
 * Returns a function giving one contract's value in the reporting currency after a fractional underlying move
 * `m`, a relative vol move `v` and `days` of time passing; delta-one instruments are worth their P&L from now.
 */
export function contractValue(
  instrument: Instrument,
  view: MarketView,
): (m: number, v: number, days: number) => number {
  const i = instrument;
  const spot = view.price(i.underlying);
  const cs = i.contractSize;
  switch (i.kind) {
    case 'option': {
      const forward = view.forward(i);
      const vol = view.vol(i);
      const t = view.timeToExpiry(i.expiry);
      const rate = view.market.rates[i.quote] ?? 0;
      const quote = view.price(i.quote);
      return (m, v, days) => {
        const f = forward * (1 + m);
        const price = black76Price({
          forward: f,
          strike: i.strike,
          vol: Math.max(0, vol * (1 + v)),
          timeToExpiry: Math.max(0, t - days / DAYS_PER_YEAR),
          rate,
          optionType: i.optionType,
        });
        return i.settlement === 'inverse' ? cs * (price / f) * spot * (1 + m) : cs * price * quote;
      };
    }
    case 'perpetual':
    case 'future': {
      const mark = view.deltaOneMark(i);
      const quote = view.price(i.quote);
      if (i.settlement === 'inverse') return (m) => cs * (1 / mark - 1 / (mark * (1 + m))) * spot * (1 + m);
      return (m) => cs * mark * m * quote;
    }
    case 'spot':
      return (m) => cs * spot * (1 + m);
    case 'leveraged_token':
      throw new RangeError(
        `SPAN risk arrays cover futures, perpetuals, options and spot; ${i.id} is a token`,
      );
  }
}

/** Returns the composite delta: the weighted average of the deltas at 0, ±1/3, ±2/3, ±3/3 of the range. */
export function compositeDelta(
  value: (m: number, v: number, days: number) => number,
  spot: number,
  commodity: SpanCommodity,
): number {
  const w = commodity.compositeDeltaWeights ?? DEFAULT_DELTA_WEIGHTS;
  let sum = 0;
  let weights = 0;
  for (let j = -3; j <= 3; j++) {
    const weight = w[Math.abs(j)] ?? 0;
    const m = (commodity.priceScanRange * j) / 3;
    const days = commodity.lookAheadDays;
    const delta = (value(m + DELTA_BUMP, 0, days) - value(m - DELTA_BUMP, 0, days)) / (2 * DELTA_BUMP * spot);
    sum += weight * delta;
    weights += weight;
  }
  return weights > 0 ? sum / weights : 0;
}

/** Returns a contract's SPAN risk array and composite delta from our pricing. */
export function spanContractArray(
  instrument: Instrument,
  view: MarketView,
  commodity: SpanCommodity,
): SpanContractArray {
  const value = contractValue(instrument, view);
  const now = value(0, 0, 0);
  const riskArray = spanScenarios(commodity.extremeMultiple, commodity.extremeCover).map((s) => {
    const after = value(
      s.priceMove * commodity.priceScanRange,
      s.volMove * commodity.volScanRange,
      commodity.lookAheadDays,
    );
    // A loss is positive; the + 0 turns a -0 (no change) into 0.
    return s.weight * (now - after) + 0;
  });
  return { riskArray, compositeDelta: compositeDelta(value, view.price(instrument.underlying), commodity) };
}

import { exposureValue } from '../aggregate/index.js';
import type { Exposure } from '../margin/index.js';
import { noShift, type MarketView } from '../scenarios/index.js';

/** Sensitivities of a portfolio to one underlying, in the reporting currency. */
export interface UnderlyingRisk {
  underlying: string;
  /** Dollar delta: dV/dS x S, the P&L of a 1% move is delta / 100. */
  delta: number;
  /** Dollar gamma per 1%: d2V/dS2 x S^2 / 100, the change of dollar delta for a 1% move (less the delta term). */
  gamma: number;
  /** P&L of a one-point (0.01) rise in every implied vol of the underlying's options. */
  vega: number;
}

const PRICE_BUMP = 0.01;
const VOL_BUMP = 0.01;

/** Returns delta, gamma and vega per underlying by central differences of full revaluation. */
export function underlyingRisk(
  exposures: readonly Exposure[],
  view: MarketView,
  underlying: string,
): UnderlyingRisk {
  const value = (factor: number, volShift: number): number => {
    const shifted = view.shifted(new Map([[underlying, { ...noShift(), factor, volShift }]]));
    return exposures.reduce((a, e) => a + exposureValue(e, view, shifted), 0);
  };
  const v0 = value(1, 0);
  const up = value(1 + PRICE_BUMP, 0);
  const down = value(1 - PRICE_BUMP, 0);
  const delta = (up - down) / (2 * PRICE_BUMP);
  const gamma = ((up - 2 * v0 + down) / (PRICE_BUMP * PRICE_BUMP)) * 0.01;
  const vega = (value(1, VOL_BUMP) - value(1, -VOL_BUMP)) / 2;
  return { underlying, delta, gamma, vega };
}

/** Returns the underlyings an exposure is sensitive to: its positions' underlyings and its non-stable assets. */
export function exposedUnderlyings(
  exposures: readonly Exposure[],
  isStable: (asset: string) => boolean,
): string[] {
  const set = new Set<string>();
  for (const e of exposures) {
    for (const p of e.positions) set.add(p.instrument.underlying);
    for (const [asset, amount] of e.assets) if (amount !== 0 && !isStable(asset)) set.add(asset);
  }
  return [...set].sort();
}

import type { Exposure } from '../margin/index.js';
import { noShift, unitPnl, unitValue, type MarketView } from '../scenarios/index.js';

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

/**
 * Sensitivities of one unit of each instrument and asset, computed once per market and shared: a portfolio's
 * value is linear in its quantities, so its greeks are the quantity-weighted sums of the units' greeks.
 */
export class UnitGreeks {
  private readonly views = new Map<string, MarketView[]>();
  private readonly units = new Map<string, UnderlyingRisk>();
  constructor(readonly view: MarketView) {}

  private viewsOf(underlying: string): MarketView[] {
    let v = this.views.get(underlying);
    if (v === undefined) {
      const at = (factor: number, volShift: number): MarketView =>
        this.view.shifted(new Map([[underlying, { ...noShift(), factor, volShift }]]));
      v = [at(1, 0), at(1 + PRICE_BUMP, 0), at(1 - PRICE_BUMP, 0), at(1, VOL_BUMP), at(1, -VOL_BUMP)];
      this.views.set(underlying, v);
    }
    return v;
  }

  /** Returns the greeks of one unit valued by `value`, by central differences of full revaluation. */
  unit(key: string, underlying: string, value: (view: MarketView) => number): UnderlyingRisk {
    const k = `${underlying}|${key}`;
    let r = this.units.get(k);
    if (r === undefined) {
      const [v0, up, down, volUp, volDown] = this.viewsOf(underlying).map(value) as [
        number,
        number,
        number,
        number,
        number,
      ];
      r = {
        underlying,
        delta: (up - down) / (2 * PRICE_BUMP),
        gamma: ((up - 2 * v0 + down) / (PRICE_BUMP * PRICE_BUMP)) * 0.01,
        vega: (volUp - volDown) / 2,
      };
      this.units.set(k, r);
    }
    return r;
  }
}

/**
 * Returns delta, gamma and vega of an exposure to each of the given underlyings, from the units' greeks. A unit
 * whose underlying and quote are not the moved asset does not move with it, so it is not revalued.
 */
export function exposureRisks(
  exposure: Exposure,
  underlyings: readonly string[],
  units: UnitGreeks,
): Map<string, UnderlyingRisk> {
  const base = units.view;
  const out = new Map(underlyings.map((u) => [u, { underlying: u, delta: 0, gamma: 0, vega: 0 }]));
  const addUnit = (quantity: number, r: UnderlyingRisk): void => {
    const o = out.get(r.underlying)!;
    o.delta += quantity * r.delta;
    o.gamma += quantity * r.gamma;
    o.vega += quantity * r.vega;
  };
  for (const [asset, amount] of exposure.assets)
    if (amount !== 0 && out.has(asset))
      addUnit(
        amount,
        units.unit(`a:${asset}`, asset, (v) => v.price(asset)),
      );
  for (const p of exposure.positions) {
    const i = p.instrument;
    const deltaOne = i.kind === 'perpetual' || i.kind === 'future';
    const value = (v: MarketView): number => (deltaOne ? unitPnl(i, base, v) : unitValue(i, v));
    for (const u of i.quote === i.underlying ? [i.underlying] : [i.underlying, i.quote])
      if (out.has(u)) addUnit(p.quantity, units.unit(`i:${i.id}`, u, value));
  }
  return out;
}

/** Returns delta, gamma and vega per underlying of a portfolio, in the reporting currency. */
export function underlyingRisk(
  exposures: readonly Exposure[],
  view: MarketView,
  underlying: string,
  units: UnitGreeks = new UnitGreeks(view),
): UnderlyingRisk {
  const out = { underlying, delta: 0, gamma: 0, vega: 0 };
  for (const e of exposures) {
    const r = exposureRisks(e, [underlying], units).get(underlying)!;
    out.delta += r.delta;
    out.gamma += r.gamma;
    out.vega += r.vega;
  }
  return out;
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

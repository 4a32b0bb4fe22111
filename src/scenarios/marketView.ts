import type { Instrument, Market, OptionInstrument, Smile } from '../core/index.js';
import { forwardPrice, impliedVol, interpolateStrikeVol, sviVol, yearFraction } from '../pricing/index.js';

/** A move of one asset: its index price times `factor`, its option vols shocked. */
export interface AssetShift {
  factor: number;
  /** Relative vol shock (0.25 = vols up 25%), scaled per option by `volScale`. */
  volShock: number;
  /** Absolute vol shift added after the relative shock (0.01 = one vol point); used for vega. */
  volShift: number;
  volFloor: number;
  volScale: (timeToExpiry: number) => number;
}

/** Prices of the market as seen under a set of shifts: everything valuation needs, nothing looked up twice. */
export interface MarketView {
  readonly market: Market;
  readonly reportingCurrency: string;
  /** True for the market itself (no asset shifted): its values can be memoised once for every such view. */
  readonly unmoved: boolean;
  /** Index price of an asset in the reporting currency (1 for the reporting currency itself). */
  price(asset: string): number;
  /** Price factor applied to an asset in this view (1 when unshifted). */
  factor(asset: string): number;
  /** Whether this view shifts an asset (its price or its options' vols); false for every asset of the market. */
  shifts(asset: string): boolean;
  /** Mark of a perpetual or future, in quote per underlying. */
  deltaOneMark(instrument: Instrument): number;
  /** Forward of an option's underlying to its expiry, in quote per underlying. */
  forward(option: OptionInstrument): number;
  /** Implied vol of an option, after the view's vol shocks. */
  vol(option: OptionInstrument): number;
  timeToExpiry(expiry: number): number;
  /** This view moved further: price factors multiply, vol shifts add, the newer vol shock applies. */
  shifted(shifts: ReadonlyMap<string, AssetShift>): MarketView;
  /** The market with no shifts at all. */
  unshifted(): MarketView;
  /** Returns a value of the unshifted market computed once and shared by every view of it. */
  memo(key: string, compute: () => number): number;
}

const NO_SCALE = (): number => 1;

/** Returns an unshifted asset move. */
export function noShift(): AssetShift {
  return { factor: 1, volShock: 0, volShift: 0, volFloor: 0, volScale: NO_SCALE };
}

function smileVol(smile: Smile, strike: number, forward: number, t: number): number {
  return 'svi' in smile ? sviVol(smile.svi, strike, forward, t) : interpolateStrikeVol(smile.points, strike);
}

/** Forward of the unshifted market: given forwards (exact, or interpolated in log-basis over time), else carry. */
function baseForward(market: Market, spot: number, option: OptionInstrument, t: number): number {
  const points = (market.forwards[option.underlying] ?? []).slice().sort((a, b) => a.expiry - b.expiry);
  const exact = points.find((p) => p.expiry === option.expiry);
  if (exact) return exact.price;
  const after = points.findIndex((p) => p.expiry > option.expiry);
  const lo = after === -1 ? points[points.length - 1] : after === 0 ? undefined : points[after - 1];
  const hi = after === -1 ? undefined : points[after];
  const basis = (p: { expiry: number; price: number }): number =>
    Math.log(p.price / spot) / Math.max(yearFraction(market.asOf, p.expiry), 1e-9);
  if (lo && hi) {
    const w = (option.expiry - lo.expiry) / (hi.expiry - lo.expiry);
    return spot * Math.exp(((1 - w) * basis(lo) + w * basis(hi)) * t);
  }
  const nearest = lo ?? hi;
  if (nearest) return spot * Math.exp(basis(nearest) * t);
  return forwardPrice(spot, t, market.rates[option.quote] ?? 0, market.rates[option.underlying] ?? 0);
}

/** Unshifted implied vol: quoted iv, else implied from the mark, else the underlying's smile at that expiry. */
function baseVol(market: Market, option: OptionInstrument, forward: number, t: number): number {
  const quote = market.instruments[option.id];
  if (quote?.iv !== undefined) return quote.iv;
  if (quote?.mark !== undefined && t > 0) {
    const rate = market.rates[option.quote] ?? 0;
    return impliedVol({
      price: quote.mark,
      forward,
      strike: option.strike,
      timeToExpiry: t,
      rate,
      optionType: option.optionType,
      inverse: option.settlement === 'inverse',
    });
  }
  const smiles = (market.smiles[option.underlying] ?? [])
    .slice()
    .sort((a, b) => Math.abs(a.expiry - option.expiry) - Math.abs(b.expiry - option.expiry));
  const smile = smiles[0];
  if (smile === undefined)
    throw new RangeError(
      `no vol for option ${option.id}: give market.instruments.${option.id}.iv, a mark or a smile`,
    );
  return smileVol(smile, option.strike, forward, Math.max(t, 1 / 365));
}

function compose(
  current: ReadonlyMap<string, AssetShift>,
  next: ReadonlyMap<string, AssetShift>,
): Map<string, AssetShift> {
  const out = new Map(current);
  for (const [asset, shift] of next) {
    const prior = out.get(asset);
    if (prior === undefined) {
      out.set(asset, shift);
      continue;
    }
    const shocked = shift.volShock !== 0 ? shift : prior;
    out.set(asset, {
      factor: prior.factor * shift.factor,
      volShock: shocked.volShock,
      volShift: prior.volShift + shift.volShift,
      volFloor: shocked.volFloor,
      volScale: shocked.volScale,
    });
  }
  return out;
}

interface BaseCache {
  forwards: Map<string, number>;
  vols: Map<string, number>;
  memo: Map<string, number>;
}

function build(
  market: Market,
  reportingCurrency: string,
  shifts: ReadonlyMap<string, AssetShift>,
  cache: BaseCache,
): MarketView {
  const shiftOf = (asset: string): AssetShift | undefined => shifts.get(asset);
  const unshiftedPrice = (asset: string): number => {
    const p = asset === reportingCurrency ? 1 : market.prices[asset];
    if (p === undefined) throw new RangeError(`no index price for asset ${asset}`);
    return p;
  };
  const baseFwd = (option: OptionInstrument): number => {
    let f = cache.forwards.get(option.id);
    if (f === undefined) {
      const spot = unshiftedPrice(option.underlying) / unshiftedPrice(option.quote);
      f = baseForward(market, spot, option, Math.max(0, yearFraction(market.asOf, option.expiry)));
      cache.forwards.set(option.id, f);
    }
    return f;
  };
  const view: MarketView = {
    market,
    reportingCurrency,
    unmoved: shifts.size === 0,
    price(asset) {
      return unshiftedPrice(asset) * (shiftOf(asset)?.factor ?? 1);
    },
    factor: (asset) => shiftOf(asset)?.factor ?? 1,
    shifts: (asset) => shifts.has(asset),
    deltaOneMark(instrument) {
      const mark = market.instruments[instrument.id]?.mark;
      const unshifted = mark ?? unshiftedPrice(instrument.underlying) / unshiftedPrice(instrument.quote);
      return (unshifted * view.factor(instrument.underlying)) / view.factor(instrument.quote);
    },
    forward(option) {
      return (baseFwd(option) * view.factor(option.underlying)) / view.factor(option.quote);
    },
    vol(option) {
      let v = cache.vols.get(option.id);
      const t = view.timeToExpiry(option.expiry);
      if (v === undefined) {
        v = baseVol(market, option, baseFwd(option), t);
        cache.vols.set(option.id, v);
      }
      const s = shiftOf(option.underlying);
      if (s === undefined) return v;
      const shocked = v * (1 + s.volShock * s.volScale(t)) + s.volShift;
      return Math.max(shocked, Math.min(v, s.volFloor), 1e-4);
    },
    timeToExpiry: (expiry) => Math.max(0, yearFraction(market.asOf, expiry)),
    shifted: (next) => build(market, reportingCurrency, compose(shifts, next), cache),
    unshifted: () => build(market, reportingCurrency, new Map(), cache),
    memo(key, compute) {
      let v = cache.memo.get(key);
      if (v === undefined) {
        v = compute();
        cache.memo.set(key, v);
      }
      return v;
    },
  };
  return view;
}

/** Returns a view of the market with no shifts; shifted views share its forward and vol caches. */
export function createMarketView(market: Market, reportingCurrency: string): MarketView {
  return build(market, reportingCurrency, new Map(), {
    forwards: new Map(),
    vols: new Map(),
    memo: new Map(),
  });
}

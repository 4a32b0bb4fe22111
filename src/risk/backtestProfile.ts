// A book's value as a function of one underlying's price, tabulated once so that a backtest over tens of
// thousands of bars costs a few interpolations per scenario instead of a full revaluation.
//
// Approximation (docs/backtest.md): the book is the book's market with every price of the underlying scaled by
// one factor f (index, marks, forwards); strikes, expiries, time and implied vols stay as in the snapshot.
// V_v(f) is tabulated on a grid uniform in log f, for each of the scenario set's three vol states v, and
// interpolated linearly in f between grid points, which is exact for delta-one books.
import type { ResolvedBook, ScenarioParameters } from '../core/index.js';
import { exposureValue } from '../aggregate/index.js';
import {
  accountExposure,
  borrowedAmount,
  isScanned,
  isStable,
  mergeExposures,
  type Exposure,
} from '../margin/index.js';
import { buildScenarioSet, createMarketView, scenarioShift } from '../scenarios/index.js';

/** The tabulated book, and what the grid model needs beside the scan, for one underlying. */
export interface BookProfile {
  underlying: string;
  /** The underlying's index price in the book's market (reporting currency). */
  spot: number;
  /** Grid factors (price / spot), increasing, uniform in log. */
  factors: Float64Array;
  logStart: number;
  logStep: number;
  /** Book value (reporting currency) at each grid factor, one array per vol state: unchanged, up, down. */
  values: Float64Array[];
  volShocks: number[];
  scenarios: ScenarioParameters;
  imMultiplier: number;
  /** Short option minimum per unit of the underlying's price: shortOptionMinimum x sum |q| x contract size. */
  shortOptionPerPrice: number;
  /** Loan add-ons per unit of price when the underlying itself is borrowed (rate x amount borrowed). */
  loanMmPerPrice: number;
  loanImPerPrice: number;
  /** Every holding is a long option: margin is capped at their value. */
  longOptionsOnly: boolean;
  positionCount: number;
}

/** Returns the non-stable assets a book is exposed to: its positions' underlyings and its balances' assets. */
export function bookUnderlyings(book: ResolvedBook): string[] {
  const set = new Set<string>();
  for (const a of book.accounts.values()) {
    for (const p of a.positions) set.add(p.instrument.underlying);
    for (const b of a.balances)
      if (b.amount !== 0 && !isStable(b.asset, book.parameters, book.reportingCurrency)) set.add(b.asset);
  }
  return [...set].sort();
}

/** Returns the part of the whole book (every account merged) that moves with `underlying` under the grid model. */
function underlyingExposure(book: ResolvedBook, underlying: string): Exposure {
  const view = createMarketView(book.market, book.reportingCurrency);
  const merged = mergeExposures([...book.accounts.values()].map((a) => accountExposure(a, view)));
  const scanned = isScanned(underlying, book.parameters, book.reportingCurrency, 'grid');
  const amount = merged.assets.get(underlying) ?? 0;
  const cash = merged.cash.get(underlying) ?? 0;
  return {
    positions: merged.positions.filter((p) => p.instrument.underlying === underlying),
    assets: new Map(scanned && amount !== 0 ? [[underlying, amount]] : []),
    cash: new Map(scanned && cash !== 0 ? [[underlying, cash]] : []),
  };
}

/** The price factors a profile covers and its grid step. */
export interface ProfileGrid {
  /** Smallest and largest price factor (price / spot) the backtest will ask for. */
  minFactor: number;
  maxFactor: number;
  /** Grid step in log price; default 0.002 (0.2%). */
  logStep?: number;
}

/**
 * Returns the book's value profile in `underlying` over the factor range, with the book-level grid parameters
 * (the whole book margined as one grid portfolio). Throws RangeError on an empty or inverted range.
 */
export function buildBookProfile(book: ResolvedBook, underlying: string, grid: ProfileGrid): BookProfile {
  const logStep = grid.logStep ?? 0.002;
  if (!(grid.minFactor > 0 && grid.maxFactor > grid.minFactor && logStep > 0))
    throw new RangeError(`bad profile range [${grid.minFactor}, ${grid.maxFactor}] step ${logStep}`);
  const view = createMarketView(book.market, book.reportingCurrency);
  const parameters = book.parameters;
  const scenarios = parameters.underlyings[underlying] ?? parameters.scenarios;
  const exposure = underlyingExposure(book, underlying);
  // The vol states and their shift rules come from a scenario set built the way the grid model builds it.
  const set = buildScenarioSet(underlying, { ...scenarios, range: { mode: 'fixed', value: 0.01 } }, view);
  const perVol = 2 * scenarios.steps + 3;
  const shifts = [0, 1, 2].map((k) => scenarioShift(set, k * perVol));
  const logStart = Math.log(grid.minFactor);
  const size = Math.ceil((Math.log(grid.maxFactor) - logStart) / logStep) + 2;
  const factors = new Float64Array(size).map((_, g) => Math.exp(logStart + g * logStep));
  const values = shifts.map((shift) =>
    factors.map((factor) =>
      exposureValue(exposure, view, view.shifted(new Map([[underlying, { ...shift, factor }]]))),
    ),
  );
  const shorts = exposure.positions.filter((p) => p.instrument.kind === 'option' && p.quantity < 0);
  const borrowed = borrowedAmount(exposure.cash.get(underlying) ?? 0, exposure.assets.get(underlying) ?? 0);
  const { loanMmRate, loanImRate } = parameters.collateral;
  return {
    underlying,
    spot: view.price(underlying),
    factors,
    logStart,
    logStep,
    values,
    volShocks: shifts.map((s) => s.volShock),
    scenarios,
    imMultiplier: parameters.grid.imMultiplier,
    shortOptionPerPrice:
      parameters.grid.shortOptionMinimum *
      shorts.reduce((a, p) => a - p.quantity * p.instrument.contractSize, 0),
    loanMmPerPrice: borrowed * loanMmRate,
    loanImPerPrice: borrowed * loanImRate,
    longOptionsOnly:
      exposure.positions.length > 0 &&
      exposure.assets.size === 0 &&
      exposure.positions.every((p) => p.instrument.kind === 'option' && p.quantity > 0),
    positionCount: exposure.positions.length + exposure.assets.size,
  };
}

/** Returns the book's value (reporting currency) at price factor f in vol state v, interpolated linearly in f. */
export function profileValue(profile: BookProfile, v: number, f: number): number {
  const { factors } = profile;
  const values = profile.values[v]!;
  const x = (Math.log(f) - profile.logStart) / profile.logStep;
  if (!(x >= -1e-9 && x <= factors.length - 1 + 1e-9))
    throw new RangeError(
      `price factor ${f} outside the profile [${factors[0]}, ${factors[factors.length - 1]}]`,
    );
  const g = Math.min(factors.length - 2, Math.max(0, Math.floor(x)));
  const f0 = factors[g]!;
  const w = (f - f0) / (factors[g + 1]! - f0);
  return values[g]! + w * (values[g + 1]! - values[g]!);
}

/** The grid margin of the profiled book at one bar (reporting currency). */
export interface ProfileMargin {
  mm: number;
  im: number;
  /** Largest loss over the scenarios, after weights (the scan risk). */
  scan: number;
}

/**
 * Returns the grid model's margin of the book re-marked at price factor k with scan range R: per scenario the
 * weighted P&L V_v(k(1 + m)) - V_0(k), the worst loss, at least the short option minimum, capped at the premium
 * of a long-options-only book, plus loan add-ons; the same rules as gridModel for one underlying.
 */
export function profileMargin(profile: BookProfile, k: number, range: number): ProfileMargin {
  const { steps: n, extremeMultiple: e, extremeCover } = profile.scenarios;
  const base = profileValue(profile, 0, k);
  let worst = 0;
  for (let v = 0; v < profile.values.length; v++) {
    for (let j = -n; j <= n; j++) {
      const pnl = profileValue(profile, v, k * (1 + (range * j) / n)) - base;
      if (pnl < worst) worst = pnl;
    }
    for (const sign of [-1, 1]) {
      const pnl = extremeCover * (profileValue(profile, v, k * (1 + sign * e * range)) - base);
      if (pnl < worst) worst = pnl;
    }
  }
  const scan = -worst;
  const price = profile.spot * k;
  const cap = profile.longOptionsOnly ? Math.max(0, base) : Infinity;
  const mm = Math.min(Math.max(scan, profile.shortOptionPerPrice * price), cap);
  const im = Math.min(profile.imMultiplier * mm, cap);
  const totalMm = mm + profile.loanMmPerPrice * price;
  return { mm: totalMm, im: Math.max(im + profile.loanImPerPrice * price, totalMm), scan };
}

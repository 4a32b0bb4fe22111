// Deribit futures liquidation prices, per margin currency (Deribit's standard margin keeps one account per
// currency): the price where the currency's equity meets the maintenance margin of its futures when one
// underlying moves, everything else fixed. Deribit publishes the margin rules, not a liquidation formula; these
// closed forms solve its published MM rule exactly:
//   linear (USDC):  equity + sum s M (f - 1) = MM_other + sum |s| mmRate(|s|) I f            (linear in f)
//   inverse (coin): equity + sum N/M (1 - y) = sum a y (m0 + k a y),  a = |N| / M, y = 1 / f   (quadratic in y)
// with s the size in coins, M the mark, I the index in the margin currency, N the signed USD face.
import type { ResolvedAccount } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import type { Exposure } from '../exposure.js';
import {
  deribitLeg,
  legMargin,
  parseDeribitFuturesParameters,
  ratesFor,
  type DeribitLeg,
} from './deribitFuturesRates.js';
import type { VenueLiquidation } from './types.js';

/** Returns the positive roots of a y^2 + b y + c = 0 (a >= 0), sorted; the stable form avoids cancellation. */
export function positiveQuadraticRoots(a: number, b: number, c: number): number[] {
  if (a === 0) return b === 0 ? [] : [-c / b].filter((y) => y > 0);
  const disc = b * b - 4 * a * c;
  if (disc < 0) return [];
  const q = -0.5 * (b + (b >= 0 ? 1 : -1) * Math.sqrt(disc));
  const roots = q === 0 ? [0] : [q / a, c / q];
  return roots.filter((y) => y > 0 && Number.isFinite(y)).sort((x, y) => x - y);
}

/** Returns the factors f (price now x f) where an inverse currency account meets its maintenance margin. */
export function inverseFactors(legs: readonly DeribitLeg[], equity: number): number[] {
  let n = 0; // sum N / M: the coin value of the faces at today's marks
  let b = 0;
  let a2 = 0;
  for (const l of legs) {
    const face = l.size * l.mark; // signed USD face N
    const coins = Math.abs(l.size); // a = |N| / M
    n += face / l.mark;
    b += coins * l.rates.mm.base;
    a2 += l.rates.mm.perUnit * coins * coins;
  }
  // equity + n (1 - y) - (b y + a2 y^2) = 0  <=>  a2 y^2 + (n + b) y - (equity + n) = 0
  return positiveQuadraticRoots(a2, n + b, -(equity + n)).map((y) => 1 / y);
}

/** Returns the factor f where a linear currency account meets its maintenance margin, or null. */
export function linearFactor(
  legs: readonly DeribitLeg[],
  equity: number,
  otherMaintenance: number,
): number | null {
  let moved = 0;
  let slope = 0;
  for (const l of legs) {
    moved += l.size * l.mark;
    slope += Math.abs(l.size) * legMargin(l).mmRate * l.index - l.size * l.mark;
  }
  if (slope === 0) return null;
  const f = (equity - moved - otherMaintenance) / slope;
  return f > 0 ? f : null;
}

function entries(
  legs: DeribitLeg[],
  u: string,
  factors: number[],
  view: MarketView,
  rule: string,
): VenueLiquidation[] {
  const single = legs.length === 1 ? legs[0] : undefined;
  const below = factors.filter((f) => f < 1).at(-1);
  const above = factors.find((f) => f >= 1);
  const found = [below, above].filter((f): f is number => f !== undefined);
  const base: VenueLiquidation = {
    underlying: u,
    mode: 'cross',
    price: null,
    method: 'closed-form',
    detail: { rule },
  };
  if (single !== undefined) base.instrument = single.position.instrument.id;
  if (found.length === 0) return [base];
  return found.map((f) => ({
    ...base,
    price: single === undefined ? view.price(u) * f : single.mark * f,
    detail: { rule, direction: f < 1 ? 'down' : 'up', basis: single === undefined ? 'index' : 'mark' },
  }));
}

function currencyEntries(legs: DeribitLeg[], currency: string, exposure: Exposure, view: MarketView) {
  const equity = exposure.assets.get(currency) ?? 0;
  const options = exposure.positions.some(
    (p) =>
      p.instrument.kind === 'option' &&
      (p.instrument.settlement === 'inverse' ? p.instrument.underlying : p.instrument.quote) === currency,
  );
  const total = legs.reduce((a, l) => a + legMargin(l).mm, 0);
  const underlyings = [...new Set(legs.map((l) => l.position.instrument.underlying))].sort();
  return underlyings.flatMap((u): VenueLiquidation[] => {
    const own = legs.filter((l) => l.position.instrument.underlying === u);
    if (options)
      return [
        {
          underlying: u,
          mode: 'cross',
          price: null,
          method: 'closed-form',
          detail: { reason: `options in the ${currency} account: see the report's root-finder prices` },
        },
      ];
    if (currency === u)
      return entries(own, u, inverseFactors(own, equity), view, 'coin equity = size-scaled MM');
    const other = total - own.reduce((a, l) => a + legMargin(l).mm, 0);
    const f = linearFactor(own, equity, other);
    return entries(own, u, f === null ? [] : [f], view, 'equity = size-scaled MM');
  });
}

/** Returns Deribit's futures liquidation prices per margin currency and underlying. */
export function deribitFuturesLiquidation(
  account: ResolvedAccount,
  exposure: Exposure,
  view: MarketView,
): VenueLiquidation[] {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const parameters = parseDeribitFuturesParameters(account.parameters.rulebook, prefix);
  const legs = exposure.positions
    .filter((p) => p.instrument.kind === 'perpetual' || p.instrument.kind === 'future')
    .map((p) => deribitLeg(p, view, ratesFor(p.instrument.underlying, parameters, prefix)));
  const currencies = [...new Set(legs.map((l) => l.currency))].sort();
  return currencies.flatMap((c) =>
    currencyEntries(
      legs.filter((l) => l.currency === c),
      c,
      exposure,
      view,
    ),
  );
}

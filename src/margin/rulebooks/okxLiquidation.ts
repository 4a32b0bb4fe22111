// OKX liquidation prices: where the margin ratio reaches 100%, i.e. equity = MM + closing fee.
// Isolated (OKX's help page formulas, with the taker fee in the requirement, r = MMR + fee):
//   USDT/USDC-margined: m + s (P - E) = |s| P r            ->  P = (s E - m) / (s - |s| r)
//   coin-margined:      m + N (1/E - 1/P) = |N| r / P      ->  P = (N + |N| r) / (m + N / E)
// with m the isolated margin, s the signed size in coins, N the signed face in USD, E the entry price.
// Cross (multi-currency): adjusted equity = sum discount(amount) x price; when one underlying moves by f, the
// quote assets' amounts move with the linear positions' P&L, the coin's price with f, and the requirement with the
// positions' value. The discount makes adjusted equity piecewise linear (in f for linear positions, in 1/f for
// coin-margined ones), so the roots are exact; an underlying with both kinds gets no closed form here.
import type { ResolvedAccount } from '../../core/index.js';
import { InputError } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import type { Exposure } from '../exposure.js';
import { borrowedAmount } from '../loans.js';
import { deltaOneNotional } from '../standard.js';
import { piecewiseLinearRoots } from './hyperliquidLiquidation.js';
import { discountedAmount, discountKnots, discountTiersFor, type DiscountTier } from './okxCollateral.js';
import { parseOkxParameters, positionTerms, type OkxParameters, type PositionTerms } from './okxTiers.js';
import type { VenueLiquidation } from './types.js';

interface Leg {
  terms: PositionTerms;
  inverse: boolean;
  /** Signed size in coins (linear) or signed face in USD (inverse). */
  size: number;
  mark: number;
  entry: number;
  /** Asset the position settles in: the quote (linear) or the coin (inverse). */
  settle: string;
  /** MMR + taker fee rate. */
  rate: number;
  /** Position value in the reporting currency now. */
  value: number;
}

/** Returns OKX's isolated liquidation and bankruptcy prices (quote per underlying); null where there is none. */
export function okxIsolatedPrices(input: {
  inverse: boolean;
  size: number;
  entry: number;
  margin: number;
  rate: number;
}): { price: number | null; bankruptcy: number | null } {
  const { inverse, size, entry, margin, rate } = input;
  const positive = (x: number): number | null => (Number.isFinite(x) && x > 0 ? x : null);
  if (inverse) {
    // A short whose margin exceeds its coin value (denominator > 0, numerator < 0) has no positive root.
    const denominator = margin + size / entry;
    return {
      price: positive((size + Math.abs(size) * rate) / denominator),
      bankruptcy: positive(size / denominator),
    };
  }
  return {
    price: positive((size * entry - margin) / (size - Math.abs(size) * rate)),
    bankruptcy: positive(entry - margin / size),
  };
}

function legOf(t: PositionTerms, view: MarketView, feeRate: number): Leg {
  const p = t.position;
  const i = p.instrument;
  const mark = view.deltaOneMark(i);
  const inverse = i.settlement === 'inverse';
  const { notional, toReporting } = deltaOneNotional(p, view);
  return {
    terms: t,
    inverse,
    size: p.quantity * i.contractSize,
    mark,
    entry: p.entryPrice ?? mark,
    settle: inverse ? i.underlying : i.quote,
    rate: t.tier.mmr + feeRate,
    value: notional * toReporting,
  };
}

/** P&L since entry in the settlement asset. */
const accrued = (l: Leg): number =>
  l.inverse ? l.size * (1 / l.entry - 1 / l.mark) : l.size * (l.mark - l.entry);

function isolatedEntry(l: Leg): VenueLiquidation {
  const margin = l.terms.position.isolatedMargin ?? 0;
  const { price, bankruptcy } = okxIsolatedPrices({
    inverse: l.inverse,
    size: l.size,
    entry: l.entry,
    margin,
    rate: l.rate,
  });
  return {
    underlying: l.terms.position.instrument.underlying,
    instrument: l.terms.position.instrument.id,
    mode: 'isolated',
    price,
    bankruptcyPrice: bankruptcy,
    method: 'closed-form',
    detail: {
      rule: 'margin ratio = 100%',
      isolatedMargin: margin,
      mmr: l.terms.tier.mmr,
      rateWithFee: l.rate,
      tier: l.terms.tier.tier,
    },
  };
}

interface CrossState {
  /** Currency equity of the cross account: cash plus the cross positions' P&L, per asset. */
  assets: Map<string, number>;
  tiers: (asset: string) => readonly DiscountTier[];
  minRate: number;
  /** Cash of the cross account per asset (balances less isolated margins, no P&L): what can be borrowed. */
  cash: Map<string, number>;
  /** MM rate on borrowed amounts: the generic loan add-on the margin model charges (parameters.collateral). */
  loanRate: number;
  /** Requirement (MM + fees) of all cross positions now, reporting currency. */
  requirement: number;
  view: MarketView;
}

/**
 * Returns an amount's contribution to adjusted equity, in units of the asset: discounted if held, in full if
 * negative. Liabilities and empty balances need no tier table.
 */
const net = (s: CrossState, asset: string, amount: number): number =>
  amount <= 0 ? amount : discountedAmount(amount, s.tiers(asset), s.minRate);

/**
 * Returns an amount's contribution to adjusted equity less the loan add-on, in units of the asset: the loan is on
 * borrowed cash, which an unrealised profit repays and an unrealised loss does not add to (see borrowedAmount).
 */
const netOfLoan = (s: CrossState, asset: string, amount: number): number =>
  net(s, asset, amount) - s.loanRate * borrowedAmount(s.cash.get(asset) ?? 0, amount);

/** Returns where an amount moving by `move` per unit of f from `now` at f = 1 crosses each of `bounds`. */
const crossings = (bounds: readonly number[], now: number, move: number): number[] =>
  move === 0 ? [] : bounds.map((b) => 1 + (b - now) / move);

/** Factors f where the cross account of linear positions on `u` reaches a margin ratio of 100%. */
function linearFactors(s: CrossState, u: string, legs: Leg[]): number[] {
  const moves = new Map<string, number>();
  for (const l of legs) moves.set(l.settle, (moves.get(l.settle) ?? 0) + l.size * l.mark);
  const own = legs.reduce((a, l) => a + l.value * l.rate, 0);
  const assets = new Set([...s.assets.keys(), ...s.cash.keys(), ...moves.keys()]);
  const g = (f: number): number => {
    let value = 0;
    for (const a of assets) {
      const amount = (s.assets.get(a) ?? 0) + (moves.get(a) ?? 0) * (f - 1);
      value += netOfLoan(s, a, amount) * s.view.price(a) * (a === u ? f : 1);
    }
    return value - (s.requirement - own) - own * f;
  };
  // Kinks: the discount tiers, and where the amount meets its cash (below it, the loan stops growing).
  const knots = [...moves].flatMap(([a, move]) =>
    crossings([...discountKnots(s.tiers(a)), s.cash.get(a) ?? 0], s.assets.get(a) ?? 0, move),
  );
  return piecewiseLinearRoots(g, knots);
}

/** Factors f for coin-margined positions on `u`: solved in y = 1/f, where adjusted equity x y is piecewise linear. */
function inverseFactors(s: CrossState, u: string, legs: Leg[]): number[] {
  const n = legs.reduce((a, l) => a + l.size / l.mark, 0);
  const coin = s.assets.get(u) ?? 0;
  let others = 0;
  for (const a of new Set([...s.assets.keys(), ...s.cash.keys()]))
    if (a !== u) others += netOfLoan(s, a, s.assets.get(a) ?? 0) * s.view.price(a);
  const h = (y: number): number =>
    netOfLoan(s, u, coin + n * (1 - y)) * s.view.price(u) + y * (others - s.requirement);
  // In y the coin amount moves by -n per unit: its crossings of the tier bounds and of its cash.
  const knots = crossings([...discountKnots(s.tiers(u)), s.cash.get(u) ?? 0], coin, -n);
  return piecewiseLinearRoots(h, knots).map((y) => 1 / y);
}

function crossEntries(s: CrossState, u: string, legs: Leg[]): VenueLiquidation[] {
  const single = legs.length === 1 ? legs[0] : undefined;
  const base: VenueLiquidation = { underlying: u, mode: 'cross', price: null, method: 'closed-form' };
  if (single !== undefined) base.instrument = single.terms.position.instrument.id;
  const kinds = new Set(legs.map((l) => l.inverse));
  if (kinds.size > 1)
    return [
      {
        ...base,
        detail: { reason: 'USDT- and coin-margined positions on one underlying: see the report root-finder' },
      },
    ];
  const factors = legs[0]?.inverse === true ? inverseFactors(s, u, legs) : linearFactors(s, u, legs);
  const below = factors.filter((f) => f < 1).at(-1);
  const above = factors.find((f) => f >= 1);
  const found = [below, above].filter((f): f is number => f !== undefined);
  const rule = 'adjusted equity = MM + closing fees (margin ratio 100%), this underlying moved alone';
  if (found.length === 0) return [{ ...base, detail: { rule } }];
  return found.map((f) => ({
    ...base,
    price: single === undefined ? s.view.price(u) * f : single.mark * f,
    detail: { rule, direction: f < 1 ? 'down' : 'up', basis: single === undefined ? 'index' : 'mark' },
  }));
}

function tiersLookup(account: ResolvedAccount, p: OkxParameters, prefix: string[], view: MarketView) {
  const stable = [...account.parameters.collateral.stable, view.reportingCurrency];
  return (asset: string): readonly DiscountTier[] => {
    const tiers = discountTiersFor(asset, p, stable);
    if (tiers !== undefined) return tiers;
    throw new InputError([
      {
        path: [...prefix, 'discountRates', asset].join('.'),
        message: `no OKX discount-rate tiers for ${asset}`,
        hint: 'give [{ upTo, rate }] from GET /api/v5/public/discount-rate-interest-free-quota',
      },
    ]);
  };
}

/** Returns OKX's liquidation prices: per isolated position (closed form) and per underlying of the cross legs. */
export function okxLiquidation(
  account: ResolvedAccount,
  exposure: Exposure,
  view: MarketView,
): VenueLiquidation[] {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const parameters = parseOkxParameters(account.parameters.rulebook, prefix);
  const legs = positionTerms(exposure.positions, parameters, prefix).map((t) =>
    legOf(t, view, parameters.takerFeeRate),
  );
  const isolated = legs.filter((l) => l.terms.position.isolatedMargin !== undefined);
  const cross = legs.filter((l) => l.terms.position.isolatedMargin === undefined);
  // Isolated margin and P&L belong to their positions, not to the cross account's equity.
  const assets = new Map(exposure.assets);
  for (const l of isolated)
    assets.set(l.settle, (assets.get(l.settle) ?? 0) - (l.terms.position.isolatedMargin ?? 0) - accrued(l));
  const cash = new Map(exposure.cash);
  for (const l of isolated)
    cash.set(l.settle, (cash.get(l.settle) ?? 0) - (l.terms.position.isolatedMargin ?? 0));
  const state: CrossState = {
    assets,
    cash,
    tiers: tiersLookup(account, parameters, prefix, view),
    minRate: parameters.minDiscountRate,
    loanRate: account.parameters.collateral.loanMmRate,
    requirement: cross.reduce((a, l) => a + l.value * l.rate, 0),
    view,
  };
  const underlyings = [...new Set(cross.map((l) => l.terms.position.instrument.underlying))].sort();
  return [
    ...isolated.map(isolatedEntry),
    ...underlyings.flatMap((u) =>
      crossEntries(
        state,
        u,
        cross.filter((l) => l.terms.position.instrument.underlying === u),
      ),
    ),
  ];
}

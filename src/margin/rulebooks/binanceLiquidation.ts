// Binance's liquidation prices, cross and isolated, one-way and hedge mode, for USDⓈ-M (linear, t = price factor)
// and COIN-M (inverse, t = 1 / price factor). Each moved underlying is solved alone, every other position fixed at
// its mark (Binance's TMM1 and UPNL1), or moved by beta_v / beta_u of the underlying's move when
// `parameters.rulebook.beta` names both. Cross wallets exclude isolated margins; isolated positions see only their
// own isolated wallet (TMM1 = UPNL1 = 0). See binanceFormulas.ts for the formulas as Binance publishes them.
import type { Instrument, ResolvedAccount, ResolvedPosition } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import { bracketMargin } from '../brackets.js';
import { isStable } from '../exposure.js';
import type { VenueLiquidation } from './types.js';
import type { BracketRulebookSpec } from './binanceMargin.js';
import {
  bracketTable,
  parseRulebookParameters,
  rulebookPath,
  type BracketRulebookParameters,
} from './binanceParameters.js';
import { cushionRoots, legBracket, type Cushion, type CushionLeg } from './binanceSolver.js';
import type { TierBracket } from './ccxtTiers.js';

/** A perpetual or future position with what its liquidation needs, looked up once. */
export interface LiquidationLeg {
  position: ResolvedPosition;
  instrument: Instrument;
  /** Signed contracts. */
  quantity: number;
  contractSize: number;
  entryPrice: number;
  mark: number;
  brackets: TierBracket[];
  /** Reporting currency per unit of the quote asset. */
  quotePrice: number;
}

/** Returns the account's perpetual and future positions as liquidation legs. */
export function liquidationLegs(
  spec: BracketRulebookSpec,
  account: ResolvedAccount,
  view: MarketView,
  rb: BracketRulebookParameters,
): LiquidationLeg[] {
  const path = rulebookPath(account.id);
  return account.positions
    .filter((p) => p.instrument.kind === 'perpetual' || p.instrument.kind === 'future')
    .map((p) => {
      const mark = view.deltaOneMark(p.instrument);
      return {
        position: p,
        instrument: p.instrument,
        quantity: p.quantity,
        contractSize: p.instrument.contractSize,
        entryPrice: p.entryPrice ?? mark,
        mark,
        brackets: bracketTable(p.instrument, rb, account.parameters, spec.defaults, path).brackets,
        quotePrice: view.price(p.instrument.quote),
      };
    });
}

const isIsolated = (leg: LiquidationLeg): boolean => leg.position.isolatedMargin !== undefined;

// Share of an underlying's move that another asset follows: 1 for itself, beta_v / beta_u when both are given.
function follower(u: string, rb: BracketRulebookParameters): (v: string) => number {
  const bu = rb.beta?.[u];
  return (v) => {
    if (v === u) return 1;
    const bv = rb.beta?.[v];
    return bu === undefined || bv === undefined ? 0 : bv / bu;
  };
}

/** Adds a linear leg whose mark is a + b·t to a cushion (P&L and maintenance term, reporting currency). */
function addLinear(
  c: { constant: number; slope: number; legs: CushionLeg[] },
  leg: LiquidationLeg,
  k: number,
) {
  const size = leg.quantity * leg.contractSize;
  const a = leg.mark * (1 - k);
  const b = leg.mark * k;
  c.constant += size * (a - leg.entryPrice) * leg.quotePrice;
  c.slope += size * b * leg.quotePrice;
  c.legs.push({
    alpha: Math.abs(size) * a,
    beta: Math.abs(size) * b,
    brackets: leg.brackets,
    scale: leg.quotePrice,
  });
}

/** Adds an inverse leg (t = 1 / price factor) to a cushion in coin. */
function addInverse(c: { constant: number; slope: number; legs: CushionLeg[] }, leg: LiquidationLeg) {
  const usd = leg.quantity * leg.contractSize;
  c.constant += usd / leg.entryPrice;
  c.slope -= usd / leg.mark;
  c.legs.push({ alpha: 0, beta: Math.abs(usd) / leg.mark, brackets: leg.brackets, scale: 1 });
}

/** A cushion with the legs it moves (first in `cushion.legs`), the legs it holds fixed and its wallet balance. */
export interface BuiltCushion {
  cushion: Cushion;
  moved: LiquidationLeg[];
  others: LiquidationLeg[];
  /** Binance's WB: the wallet balance the cushion starts from (cross wallet less isolated margins, or isolated). */
  walletBalance: number;
}

/** Returns the cross cushion of a linear account when underlying `u` moves (reporting currency). */
export function linearCrossCushion(
  u: string,
  legs: readonly LiquidationLeg[],
  account: ResolvedAccount,
  view: MarketView,
  rb: BracketRulebookParameters,
): BuiltCushion {
  const k = follower(u, rb);
  const c = { constant: 0, slope: 0, legs: [] as CushionLeg[] };
  for (const b of account.balances) {
    const value = b.amount * view.price(b.asset);
    const share = isStable(b.asset, account.parameters, view.reportingCurrency) ? 0 : k(b.asset);
    c.constant += value * (1 - share);
    c.slope += value * share;
  }
  for (const leg of legs.filter(isIsolated))
    c.constant -= (leg.position.isolatedMargin ?? 0) * leg.quotePrice;
  const walletBalance = c.constant + c.slope;
  const cross = legs.filter((l) => !isIsolated(l));
  const moved = cross.filter((l) => l.instrument.underlying === u);
  const others = cross.filter((l) => l.instrument.underlying !== u);
  for (const leg of [...moved, ...others]) addLinear(c, leg, k(leg.instrument.underlying));
  return { cushion: c, moved, others, walletBalance };
}

/** Returns the cross cushion of a coin-margined wallet (coin `u`), in coin, over t = 1 / price factor. */
export function inverseCrossCushion(
  u: string,
  legs: readonly LiquidationLeg[],
  account: ResolvedAccount,
): BuiltCushion {
  const c = { constant: 0, slope: 0, legs: [] as CushionLeg[] };
  for (const b of account.balances) if (b.asset === u) c.constant += b.amount;
  const mine = legs.filter((l) => l.instrument.underlying === u);
  for (const leg of mine.filter(isIsolated)) c.constant -= leg.position.isolatedMargin ?? 0;
  const walletBalance = c.constant;
  const moved = mine.filter((l) => !isIsolated(l));
  for (const leg of moved) addInverse(c, leg);
  return { cushion: c, moved, others: [], walletBalance };
}

/** Returns the cushion of one isolated position: its isolated wallet and its own P&L and maintenance margin. */
export function isolatedCushion(leg: LiquidationLeg): BuiltCushion {
  const inverse = leg.instrument.settlement === 'inverse';
  const wallet = (leg.position.isolatedMargin ?? 0) * (inverse ? 1 : leg.quotePrice);
  const c = { constant: wallet, slope: 0, legs: [] as CushionLeg[] };
  if (inverse) addInverse(c, leg);
  else addLinear(c, leg, 1);
  return { cushion: c, moved: [leg], others: [], walletBalance: wallet };
}

const sideOf = (leg: LiquidationLeg): string => {
  const s = leg.position.positionSide;
  if (s === 'long' || s === 'short') return s.toUpperCase();
  return 'BOTH';
};

/** Returns Binance's named inputs at the root t: WB, TMM1, UPNL1 (others at their marks) and each moved leg's bracket. */
function formulaDetail(built: BuiltCushion, t: number): Record<string, number | string> {
  const detail: Record<string, number | string> = { WB: built.walletBalance };
  let tmm = 0;
  let upnl = 0;
  for (const o of built.others) {
    const size = o.quantity * o.contractSize;
    tmm += bracketMargin(o.brackets, Math.abs(size) * o.mark, undefined).mm * o.quotePrice;
    upnl += size * (o.mark - o.entryPrice) * o.quotePrice;
  }
  detail.TMM1 = tmm;
  detail.UPNL1 = upnl;
  built.moved.forEach((leg, i) => {
    const cl = built.cushion.legs[i];
    if (cl === undefined) return;
    const amounts = bracketMargin(leg.brackets, Math.max(0, cl.alpha + cl.beta * t), undefined);
    const key = `${leg.instrument.id}:${sideOf(leg)}`;
    detail[`${key}:bracket`] = legBracket(cl, t) + 1;
    detail[`${key}:mmRate`] = amounts.mmRate;
    detail[`${key}:cum`] = amounts.maintenanceAmount;
  });
  return detail;
}

/** The price of a solution: the mark of the one moved instrument, else the underlying's index (reporting). */
function priceAt(
  moved: readonly LiquidationLeg[],
  u: string,
  view: MarketView,
  factor: number,
): { price: number; instrument?: string } {
  const ids = new Set(moved.map((l) => l.instrument.id));
  const first = moved[0];
  if (ids.size === 1 && first !== undefined)
    return { price: first.mark * factor, instrument: first.instrument.id };
  return { price: view.price(u) * factor };
}

/** Turns a cushion's roots into venue liquidation entries: one per direction with a crossing, or one null price. */
export function entriesOf(
  built: BuiltCushion,
  u: string,
  mode: 'cross' | 'isolated',
  view: MarketView,
  rule: string,
): VenueLiquidation[] {
  const inverse = built.moved[0]?.instrument.settlement === 'inverse';
  const roots = cushionRoots(built.cushion, 1);
  const base = { underlying: u, mode, method: 'closed-form' as const };
  if (roots.now)
    return [
      {
        ...base,
        ...priceAt(built.moved, u, view, 1),
        detail: { rule, status: 'now', WB: built.walletBalance },
      },
    ];
  const out: VenueLiquidation[] = [];
  for (const [t, side] of [
    [roots.below, 'below'],
    [roots.above, 'above'],
  ] as const) {
    if (t === undefined) continue;
    const direction = (side === 'below') !== inverse ? 'down' : 'up';
    const detail = { rule, direction, ...formulaDetail(built, t) };
    out.push({ ...base, ...priceAt(built.moved, u, view, inverse ? 1 / t : t), detail });
  }
  if (out.length === 0)
    out.push({ ...base, ...priceAt(built.moved, u, view, 1), price: null, detail: { rule } });
  return out;
}

const CROSS_RULE = 'Binance cross: WB − TMM1 + UPNL1 + P&L = MM at the liquidation price';
const ISOLATED_RULE = 'Binance isolated: isolated wallet + P&L = MM at the liquidation price';

/** Returns Binance's liquidation prices of an account: each isolated position, then each cross underlying. */
export function bracketLiquidation(
  spec: BracketRulebookSpec,
  account: ResolvedAccount,
  view: MarketView,
): VenueLiquidation[] {
  const rb = parseRulebookParameters(account.parameters, rulebookPath(account.id));
  const legs = liquidationLegs(spec, account, view, rb);
  const out: VenueLiquidation[] = [];
  for (const leg of legs.filter(isIsolated))
    out.push(...entriesOf(isolatedCushion(leg), leg.instrument.underlying, 'isolated', view, ISOLATED_RULE));
  const underlyings = [
    ...new Set(legs.filter((l) => !isIsolated(l)).map((l) => l.instrument.underlying)),
  ].sort();
  for (const u of underlyings) {
    const built =
      spec.settlement === 'inverse'
        ? inverseCrossCushion(u, legs, account)
        : linearCrossCushion(u, legs, account, view, rb);
    out.push(...entriesOf(built, u, 'cross', view, CROSS_RULE));
  }
  return out;
}

// Hyperliquid's liquidation prices. The docs publish, per position,
//   liq_price = price - side * margin_available / position_size / (1 - l * side),  l = 1 / maintenance leverage,
//   margin_available = account_value - maintenance_margin_required (cross) or isolated_margin - ... (isolated),
// where l is the maintenance rate of the tier at the liquidation price. Solving equity = MM exactly, tier by
// tier, gives the same price when the tier does not change and the right one when it does; the docs' form is
// exported for the tests that show the two agree.
// Source: https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations
import type { ResolvedAccount, ResolvedPosition } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import type { Exposure } from '../exposure.js';
import {
  PERP_COLLATERAL,
  maintenanceMargin,
  parseHyperliquidParameters,
  termsFor,
  tierAt,
  type TierTerms,
} from './hyperliquidTiers.js';
import type { VenueLiquidation } from './types.js';

/** Returns the docs' closed form: the liquidation price in quote per underlying (may be <= 0: none). */
export function docsLiquidationPrice(input: {
  price: number;
  side: 1 | -1;
  marginAvailable: number;
  positionSize: number;
  maintenanceLeverage: number;
}): number {
  const l = 1 / input.maintenanceLeverage;
  return input.price - (input.side * input.marginAvailable) / input.positionSize / (1 - l * input.side);
}

/**
 * Returns the roots in (0, infinity) of a function that is linear between consecutive knots and on the ray past
 * the last one, sorted; `g` is evaluated at the knots only, so each root is exact up to rounding.
 */
export function piecewiseLinearRoots(g: (x: number) => number, knots: readonly number[]): number[] {
  const xs = [...new Set([0, ...knots.filter((k) => k > 0 && Number.isFinite(k))])].sort((a, b) => a - b);
  const last = xs[xs.length - 1] ?? 0;
  xs.push(last * 2 + 1);
  const ys = xs.map(g);
  const roots: number[] = [];
  for (let i = 0; i + 1 < xs.length; i++) {
    const [x0, x1, y0, y1] = [xs[i]!, xs[i + 1]!, ys[i]!, ys[i + 1]!];
    if (y0 === 0 && x0 > 0) roots.push(x0);
    else if (y0 !== 0 && y1 !== 0 && Math.sign(y0) !== Math.sign(y1))
      roots.push(x0 - (y0 * (x1 - x0)) / (y1 - y0));
  }
  // The ray past the last knot is linear: extend the last segment.
  const [xa, xb, ya, yb] = [xs.at(-2)!, xs.at(-1)!, ys.at(-2)!, ys.at(-1)!];
  if (yb === 0) roots.push(xb);
  else if (ya !== yb && Math.sign(ya) === Math.sign(yb)) {
    const root = xb - (yb * (xb - xa)) / (yb - ya);
    if (root > xb) roots.push(root);
  }
  return roots.sort((a, b) => a - b);
}

interface Leg {
  position: ResolvedPosition;
  /** Signed size in underlying units. */
  size: number;
  mark: number;
  entry: number;
  /** Price of the quote asset (USDC) in the reporting currency. */
  quote: number;
  terms: TierTerms[];
}

function legOf(p: ResolvedPosition, view: MarketView, terms: TierTerms[]): Leg {
  const mark = view.deltaOneMark(p.instrument);
  const size = p.quantity * p.instrument.contractSize;
  return {
    position: p,
    size,
    mark,
    entry: p.entryPrice ?? mark,
    quote: view.price(p.instrument.quote),
    terms,
  };
}

/** Returns a leg's maintenance margin at a price, in USDC. */
const legMm = (leg: Leg, price: number): number => maintenanceMargin(leg.terms, Math.abs(leg.size) * price);

/** Knots where a leg's notional crosses a tier bound, as prices (per unit of `scale`). */
const knotsOf = (leg: Leg, scale: number): number[] =>
  leg.terms.slice(1).map((t) => t.lowerBound / (Math.abs(leg.size) * scale));

function isolatedEntry(leg: Leg): VenueLiquidation {
  const margin = leg.position.isolatedMargin ?? 0;
  // Isolated equity at price P: the assigned collateral plus P&L since entry; liquidation where it meets MM.
  const cushion = (price: number): number => margin + leg.size * (price - leg.entry) - legMm(leg, price);
  const roots = piecewiseLinearRoots(cushion, knotsOf(leg, 1));
  const price = roots[0] ?? null;
  const available = cushion(leg.mark);
  const tier = price === null ? undefined : tierAt(leg.terms, Math.abs(leg.size) * price);
  return {
    underlying: leg.position.instrument.underlying,
    instrument: leg.position.instrument.id,
    mode: 'isolated',
    price,
    method: 'closed-form',
    detail: {
      rule: 'isolated_margin + P&L = maintenance margin, solved per tier',
      isolatedMargin: margin,
      marginAvailable: available,
      ...(tier === undefined ? {} : { tier: tier.tier, maintenanceLeverage: 2 * tier.maxLeverage }),
      ...(available <= 0 ? { status: 'below maintenance now' } : {}),
    },
  };
}

interface CrossState {
  /** Cross account value now (reporting currency): assets less isolated collateral and isolated P&L. */
  value: number;
  /** Cross maintenance margin now (reporting currency). */
  mm: number;
  legs: Leg[];
}

function crossEntries(
  state: CrossState,
  underlying: string,
  coinAmount: number,
  view: MarketView,
): VenueLiquidation[] {
  const legs = state.legs.filter((l) => l.position.instrument.underlying === underlying);
  if (legs.length === 0) return [];
  const spot = view.price(underlying);
  const others = state.mm - legs.reduce((a, l) => a + legMm(l, l.mark) * l.quote, 0);
  // Cushion (reporting currency) when the underlying moves by factor f, all else fixed: its legs' P&L and MM move.
  const cushion = (f: number): number =>
    state.value +
    legs.reduce((a, l) => a + l.size * l.mark * (f - 1) * l.quote, 0) +
    coinAmount * spot * (f - 1) -
    others -
    legs.reduce((a, l) => a + legMm(l, l.mark * f) * l.quote, 0);
  const knots = legs.flatMap((l) => knotsOf(l, l.mark));
  const roots = piecewiseLinearRoots(cushion, knots);
  const below = roots.filter((f) => f < 1).at(-1);
  const above = roots.find((f) => f >= 1);
  const single = legs.length === 1 ? legs[0] : undefined;
  const now = cushion(1);
  return [below, above].flatMap((f) =>
    f === undefined
      ? []
      : [
          {
            underlying,
            ...(single === undefined ? {} : { instrument: single.position.instrument.id }),
            mode: 'cross' as const,
            price: single === undefined ? spot * f : single.mark * f,
            method: 'closed-form' as const,
            detail: {
              rule: 'account_value = maintenance_margin_required, this underlying moved alone',
              basis: single === undefined ? 'index' : 'mark',
              direction: f < 1 ? 'down' : 'up',
              marginAvailable: now,
              ...(now <= 0 ? { status: 'below maintenance now' } : {}),
            },
          },
        ],
  );
}

/** Returns Hyperliquid's liquidation prices of an account: one per isolated position, per underlying for cross. */
export function hyperliquidLiquidation(
  account: ResolvedAccount,
  exposure: Exposure,
  view: MarketView,
): VenueLiquidation[] {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const parameters = parseHyperliquidParameters(account.parameters.rulebook, prefix);
  const legs = exposure.positions
    .filter((p) => p.instrument.kind === 'perpetual' || p.instrument.kind === 'future')
    .filter((p) => p.instrument.settlement === 'linear')
    .map((p) => legOf(p, view, termsFor(p.instrument.underlying, parameters, prefix)));
  const isolated = legs.filter((l) => l.position.isolatedMargin !== undefined);
  const cross = legs.filter((l) => l.position.isolatedMargin === undefined);
  // Only the perp balance's USDC backs the cross positions; spot tokens are not in the perpetuals account.
  let value = (exposure.assets.get(PERP_COLLATERAL) ?? 0) * view.price(PERP_COLLATERAL);
  // Isolated collateral and P&L belong to their positions, not to the cross account value.
  for (const l of isolated)
    value -= ((l.position.isolatedMargin ?? 0) + l.size * (l.mark - l.entry)) * l.quote;
  const mm = cross.reduce((a, l) => a + legMm(l, l.mark) * l.quote, 0);
  const state: CrossState = { value, mm, legs: cross };
  const underlyings = [...new Set(cross.map((l) => l.position.instrument.underlying))].sort();
  return [
    ...isolated.map(isolatedEntry),
    ...underlyings.flatMap((u) =>
      crossEntries(state, u, u === PERP_COLLATERAL ? (exposure.assets.get(u) ?? 0) : 0, view),
    ),
  ];
}

// dYdX v4 liquidation prices, as docs.dydx.xyz/concepts/trading/liquidations publishes them:
//   isolated  p' = (e - s p) / (|s| MMF - s)
//   cross     p' = (e - s p - MMR_o) / (|s| MMF - s),  MMR_o the maintenance margin of the other positions,
// e the equity, s the signed size, p the oracle price. Here e and p are today's (equity with P&L to date and the
// current oracle price), which is the docs' form when the position was just opened. Several positions on one
// underlying move together: the sums replace the single terms, which is the same equation solved for the factor.
import type { ResolvedAccount, ResolvedPosition } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import type { Exposure } from '../exposure.js';
import { maintenanceMarginFraction, marketTerms, parseDydxParameters } from './dydxTiers.js';
import type { VenueLiquidation } from './types.js';

interface Leg {
  position: ResolvedPosition;
  size: number;
  price: number;
  entry: number;
  quote: number;
  mmf: number;
}

/** Returns the docs' closed form p' = (e - s p - MMR_o) / (|s| MMF - s), or null when it is not positive. */
export function dydxLiquidationPrice(input: {
  equity: number;
  size: number;
  price: number;
  mmf: number;
  otherMaintenance: number;
}): number | null {
  const { equity, size, price, mmf, otherMaintenance } = input;
  const denominator = Math.abs(size) * mmf - size;
  if (denominator === 0) return null;
  const p = (equity - size * price - otherMaintenance) / denominator;
  return p > 0 ? p : null;
}

function isolatedEntry(leg: Leg): VenueLiquidation {
  const margin = leg.position.isolatedMargin ?? 0;
  const equity = margin + leg.size * (leg.price - leg.entry);
  return {
    underlying: leg.position.instrument.underlying,
    instrument: leg.position.instrument.id,
    mode: 'isolated',
    price: dydxLiquidationPrice({
      equity,
      size: leg.size,
      price: leg.price,
      mmf: leg.mmf,
      otherMaintenance: 0,
    }),
    method: 'closed-form',
    detail: { rule: "p' = (e - s p) / (|s| MMF - s)", equity, size: leg.size, mmf: leg.mmf },
  };
}

function crossEntry(legs: Leg[], u: string, equity: number, mmTotal: number, coin: number, view: MarketView) {
  const own = legs.filter((l) => l.position.instrument.underlying === u);
  const otherMaintenance =
    mmTotal - own.reduce((a, l) => a + Math.abs(l.size) * l.price * l.mmf * l.quote, 0);
  const spot = view.price(u);
  // Equity and MM as the underlying moves by f: e + sum s p (f - 1) + coin S (f - 1) = MMR_o + sum |s| p f MMF.
  const moved = own.reduce((a, l) => a + l.size * l.price * l.quote, 0) + coin * spot;
  const slope =
    own.reduce((a, l) => a + (Math.abs(l.size) * l.mmf - l.size) * l.price * l.quote, 0) - coin * spot;
  const f = slope === 0 ? null : (equity - moved - otherMaintenance) / slope;
  const single = own.length === 1 ? own[0] : undefined;
  const price = f === null || f <= 0 ? null : (single?.price ?? spot) * f;
  const entry: VenueLiquidation = {
    underlying: u,
    mode: 'cross',
    price,
    method: 'closed-form',
    detail: {
      rule: "p' = (e - s p - MMR_o) / (|s| MMF - s)",
      equity,
      otherMaintenance,
      basis: single === undefined ? 'index' : 'oracle',
    },
  };
  return single === undefined ? entry : { ...entry, instrument: single.position.instrument.id };
}

/** Returns dYdX's liquidation prices: per isolated position, and per underlying of the cross positions. */
export function dydxLiquidation(
  account: ResolvedAccount,
  exposure: Exposure,
  view: MarketView,
): VenueLiquidation[] {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const parameters = parseDydxParameters(account.parameters.rulebook, prefix);
  const legs: Leg[] = exposure.positions
    .filter(
      (p) =>
        (p.instrument.kind === 'perpetual' || p.instrument.kind === 'future') &&
        p.instrument.settlement === 'linear',
    )
    .map((p) => {
      const price = view.deltaOneMark(p.instrument);
      const terms = marketTerms(p.instrument.underlying, parameters, prefix);
      return {
        position: p,
        size: p.quantity * p.instrument.contractSize,
        price,
        entry: p.entryPrice ?? price,
        quote: view.price(p.instrument.quote),
        mmf: maintenanceMarginFraction(terms.tier),
      };
    });
  const isolated = legs.filter((l) => l.position.isolatedMargin !== undefined);
  const cross = legs.filter((l) => l.position.isolatedMargin === undefined);
  let equity = 0;
  for (const [asset, amount] of exposure.assets) equity += amount * view.price(asset);
  for (const l of isolated)
    equity -= ((l.position.isolatedMargin ?? 0) + l.size * (l.price - l.entry)) * l.quote;
  const mmTotal = cross.reduce((a, l) => a + Math.abs(l.size) * l.price * l.mmf * l.quote, 0);
  const underlyings = [...new Set(cross.map((l) => l.position.instrument.underlying))].sort();
  return [
    ...isolated.map(isolatedEntry),
    ...underlyings.map((u) => crossEntry(cross, u, equity, mmTotal, exposure.assets.get(u) ?? 0, view)),
  ];
}

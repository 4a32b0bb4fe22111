import type { ResolvedPosition } from '../core/index.js';
import type { MarketView } from '../scenarios/index.js';
import { loanComponents } from './loans.js';
import { deltaOneMargin, deltaOneNotional, optionOrTokenComponent, sumComponents } from './standard.js';
import type { MarginComponent, MarginModel } from './types.js';

interface Side {
  long: number;
  short: number;
}

/** Returns signed delta-one notional per underlying in the reporting currency, split into long and short. */
function sidesByUnderlying(positions: readonly ResolvedPosition[], view: MarketView): Map<string, Side> {
  const sides = new Map<string, Side>();
  for (const p of positions) {
    const i = p.instrument;
    if (i.kind !== 'perpetual' && i.kind !== 'future') continue;
    const { notional, toReporting } = deltaOneNotional(p, view);
    const side = sides.get(i.underlying) ?? { long: 0, short: 0 };
    if (p.quantity > 0) side.long += notional * toReporting;
    else side.short += notional * toReporting;
    sides.set(i.underlying, side);
  }
  return sides;
}

/**
 * Rule-based margin with offsets: perpetuals and futures on one underlying are netted (long against short)
 * before the delta-one rates apply to the net notional (in the reporting currency), plus a spread charge on
 * the offset amount; options and tokens are margined as in the standard model.
 */
export const crossModel: MarginModel = (exposure, ctx, parameters) => {
  const view = ctx.view;
  const rates = parameters.standard.deltaOne;
  const components: MarginComponent[] = [];
  for (const [u, side] of [...sidesByUnderlying(exposure.positions, view)].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const net = Math.abs(side.long - side.short);
    const offset = Math.min(side.long, side.short);
    const m = deltaOneMargin(rates, net, net / view.price(u), 1);
    components.push({
      kind: 'net',
      label: `${u} net delta-one`,
      underlying: u,
      im: m.im,
      mm: m.mm,
      detail: { long: side.long, short: side.short, ...m.detail },
    });
    const spread = offset * parameters.standard.spreadRate;
    if (spread > 0)
      components.push({
        kind: 'spread',
        label: `${u} spread charge`,
        underlying: u,
        im: spread,
        mm: spread,
        detail: { offset, rate: parameters.standard.spreadRate },
      });
  }
  for (const p of exposure.positions) {
    const c = optionOrTokenComponent(p, view, parameters);
    if (c !== undefined) components.push(c);
  }
  components.push(...loanComponents(exposure, view, parameters));
  return sumComponents('cross', components);
};

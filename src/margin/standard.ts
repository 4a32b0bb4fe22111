import type { DeltaOneRates, Instrument, ModelParameters, ResolvedPosition } from '../core/index.js';
import { unitValue, type MarketView, type RiskContext } from '../scenarios/index.js';
import { bracketMargin } from './brackets.js';
import type { Exposure } from './exposure.js';
import { loanComponents } from './loans.js';
import { shortOptionRequirement } from './shortOption.js';
import type { MarginComponent, MarginModel, MarginResult } from './types.js';

/**
 * Returns IM and MM of a delta-one notional under a rate table. `notional` is in the table's currency and
 * `toReporting` converts it; `size` is in underlying units (for size-scaled rates).
 */
export function deltaOneMargin(
  rates: DeltaOneRates,
  notional: number,
  size: number,
  toReporting: number,
): { im: number; mm: number; detail: Record<string, number> } {
  if (rates.brackets !== undefined) {
    const b = bracketMargin(rates.brackets, notional, rates.leverage);
    return {
      im: b.im * toReporting,
      mm: b.mm * toReporting,
      detail: {
        notional,
        bracket: b.bracket + 1,
        mmRate: b.mmRate,
        maintenanceAmount: b.maintenanceAmount,
        leverage: b.leverage,
      },
    };
  }
  const imRate = Math.min(rates.maxRate, rates.imRate + rates.imSlope * size);
  const mmRate = Math.min(rates.maxRate, rates.mmRate + rates.mmSlope * size);
  return {
    im: notional * imRate * toReporting,
    mm: notional * mmRate * toReporting,
    detail: { notional, imRate, mmRate, size },
  };
}

/** Returns a perpetual or future position's notional in its table currency (quote if linear, coin if inverse). */
export function deltaOneNotional(
  p: ResolvedPosition,
  view: MarketView,
): { notional: number; size: number; toReporting: number } {
  const i = p.instrument;
  const mark = view.deltaOneMark(i);
  const contracts = Math.abs(p.quantity);
  if (i.settlement === 'inverse') {
    const coins = (contracts * i.contractSize) / mark;
    return { notional: coins, size: coins, toReporting: view.price(i.underlying) };
  }
  const size = contracts * i.contractSize;
  return { notional: size * mark, size, toReporting: view.price(i.quote) };
}

function ratesFor(instrument: Instrument, parameters: ModelParameters): DeltaOneRates {
  return parameters.standard.instruments[instrument.id] ?? parameters.standard.deltaOne;
}

/** Returns the standard (per-position) requirement of a non-delta-one position, or undefined for none. */
export function optionOrTokenComponent(
  p: ResolvedPosition,
  view: MarketView,
  parameters: ModelParameters,
): MarginComponent | undefined {
  const i = p.instrument;
  const s = parameters.standard;
  if (i.kind === 'option' && p.quantity < 0) {
    const units = -p.quantity;
    return {
      kind: 'position',
      label: `short ${i.id}`,
      underlying: i.underlying,
      instrument: i.id,
      im: units * shortOptionRequirement(i, s.shortOptionIm, view),
      mm: units * shortOptionRequirement(i, s.shortOptionMm, view),
      detail: {
        quantity: p.quantity,
        imA: s.shortOptionIm.a,
        imB: s.shortOptionIm.b,
        mmA: s.shortOptionMm.a,
        mmB: s.shortOptionMm.b,
      },
    };
  }
  if (i.kind === 'leveraged_token' && p.quantity < 0) {
    const value = -p.quantity * unitValue(i, view);
    return {
      kind: 'position',
      label: `short ${i.id}`,
      underlying: i.underlying,
      instrument: i.id,
      im: value * s.shortTokenImRate,
      mm: value * s.shortTokenMmRate,
      detail: { value },
    };
  }
  return undefined;
}

/** Returns the standard requirement of one position (a perpetual or future, an option or a token). */
export function positionComponent(
  p: ResolvedPosition,
  view: MarketView,
  parameters: ModelParameters,
): MarginComponent | undefined {
  const i = p.instrument;
  if (i.kind !== 'perpetual' && i.kind !== 'future') return optionOrTokenComponent(p, view, parameters);
  const { notional, size, toReporting } = deltaOneNotional(p, view);
  const m = deltaOneMargin(ratesFor(i, parameters), notional, size, toReporting);
  return {
    kind: 'position',
    label: `${p.quantity > 0 ? 'long' : 'short'} ${i.id}`,
    underlying: i.underlying,
    instrument: i.id,
    im: m.im,
    mm: m.mm,
    detail: { quantity: p.quantity, ...m.detail },
  };
}

function total(model: MarginResult['model'], components: MarginComponent[]): MarginResult {
  return {
    model,
    im: components.reduce((a, c) => a + c.im, 0),
    mm: components.reduce((a, c) => a + c.mm, 0),
    components,
    contributions: [],
  };
}

/** Rule-based margin as venues charge it in their standard modes: each position on its own, no netting. */
export const standardModel: MarginModel = (exposure: Exposure, ctx: RiskContext, parameters) => {
  const components: MarginComponent[] = [];
  for (const p of exposure.positions) {
    const c = positionComponent(p, ctx.view, parameters);
    if (c !== undefined) components.push(c);
  }
  components.push(...loanComponents(exposure, ctx.view, parameters));
  return total('standard', components);
};

export { total as sumComponents };

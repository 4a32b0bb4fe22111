import type { Instrument, Market, OptionInstrument } from '../core/index.js';
import { black76Price } from '../pricing/index.js';
import type { MarketView } from './marketView.js';

function modelPremium(option: OptionInstrument, view: MarketView): number {
  const forward = view.forward(option);
  const price = black76Price({
    forward,
    strike: option.strike,
    vol: view.vol(option),
    timeToExpiry: view.timeToExpiry(option.expiry),
    rate: view.market.rates[option.quote] ?? 0,
    optionType: option.optionType,
  });
  return option.settlement === 'inverse' ? price / forward : price;
}

/**
 * Returns an option's premium per unit of underlying in its premium currency (quote, or coin if inverse):
 * the model's move from the unshifted market added to the quoted mark, so the unshifted value is the mark.
 */
export function optionPremium(option: OptionInstrument, view: MarketView): number {
  if (view.shifts(option.underlying) || view.shifts(option.quote)) return movedPremium(option, view);
  // The market's own premium is asked for every position of every account: priced once per market. A view that
  // shifts neither the option's underlying nor its quote prices it from the same forward, vol and time, so its
  // premium is the market's to the bit: a trial moving one asset reprices only the options on that asset.
  let premiums = marketPremiums.get(view.market);
  if (premiums === undefined) {
    premiums = new Map();
    marketPremiums.set(view.market, premiums);
  }
  let premium = premiums.get(option.id);
  if (premium === undefined) {
    premium = movedPremium(option, view);
    premiums.set(option.id, premium);
  }
  return premium;
}

/** Premiums of the unmoved market, by market (a market is never changed in place) and option id. */
const marketPremiums = new WeakMap<Market, Map<string, number>>();

function movedPremium(option: OptionInstrument, view: MarketView): number {
  const model = modelPremium(option, view);
  const mark = view.market.instruments[option.id]?.mark;
  if (mark === undefined) return model;
  const anchor = view.memo(`anchor:${option.id}`, () => modelPremium(option, view.unshifted()));
  return Math.max(0, mark + model - anchor);
}

/** Returns a leveraged token's NAV in quote: the mark moved by leverage times the underlying's move, floored at 0. */
export function tokenNav(instrument: Instrument & { kind: 'leveraged_token' }, view: MarketView): number {
  const nav = view.market.instruments[instrument.id]?.mark ?? 0;
  const move = view.factor(instrument.underlying) / view.factor(instrument.quote) - 1;
  return nav * Math.max(0, 1 + instrument.leverage * move);
}

/**
 * Returns the value of one unit (contract) held, in the reporting currency, for instruments whose holding is
 * an asset: options, leveraged tokens and spot. Perpetuals and futures have no value of their own (0): their
 * P&L is settled into assets (see exposure).
 */
export function unitValue(instrument: Instrument, view: MarketView): number {
  const size = instrument.contractSize;
  switch (instrument.kind) {
    case 'option': {
      const premium = optionPremium(instrument, view);
      const asset = instrument.settlement === 'inverse' ? instrument.underlying : instrument.quote;
      return size * premium * view.price(asset);
    }
    case 'leveraged_token':
      return size * tokenNav(instrument, view) * view.price(instrument.quote);
    case 'spot':
      return size * view.price(instrument.underlying);
    case 'perpetual':
    case 'future':
      return 0;
  }
}

/** Returns the P&L of one unit from the `base` view to the `shocked` view, in the reporting currency. */
export function unitPnl(instrument: Instrument, base: MarketView, shocked: MarketView): number {
  return unitPnlFrom(instrument, base)(shocked);
}

/**
 * Returns unitPnl from `base` as a function of the shocked view: the base value of an instrument held as an asset
 * (or a perpetual's mark) is computed once, not once per scenario (a risk array asks for some 150 shocked views of one base).
 */
export function unitPnlFrom(instrument: Instrument, base: MarketView): (shocked: MarketView) => number {
  if (instrument.kind !== 'perpetual' && instrument.kind !== 'future') {
    const from = unitValue(instrument, base);
    return (shocked) => unitValue(instrument, shocked) - from;
  }
  const from = base.deltaOneMark(instrument);
  return (shocked) => deltaOnePnl(instrument, from, shocked);
}

function deltaOnePnl(instrument: Instrument, from: number, shocked: MarketView): number {
  const to = shocked.deltaOneMark(instrument);
  const size = instrument.contractSize;
  if (instrument.settlement === 'inverse') {
    // Coin P&L of a contract worth `size` quote units, converted at the shocked coin price.
    return size * (1 / from - 1 / to) * shocked.price(instrument.underlying);
  }
  return size * (to - from) * shocked.price(instrument.quote);
}

/**
 * Returns the P&L accrued by a perpetual or future position since entry, as an amount of its settlement
 * asset (quote if linear, underlying if inverse), and which asset that is.
 */
export function accruedPnl(
  instrument: Instrument,
  quantity: number,
  entryPrice: number,
  view: MarketView,
): { asset: string; amount: number } {
  const mark = view.deltaOneMark(instrument);
  const size = instrument.contractSize;
  if (instrument.settlement === 'inverse') {
    return { asset: instrument.underlying, amount: quantity * size * (1 / entryPrice - 1 / mark) };
  }
  return { asset: instrument.quote, amount: quantity * size * (mark - entryPrice) };
}

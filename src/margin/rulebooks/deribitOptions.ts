// Deribit standard margin for an account with options: each short option by Deribit's published option rule
// (deribitOptionsRules.ts), long options without margin, and futures and perpetuals by the Deribit futures
// rulebook's size-scaled rates, so one account holds Deribit's whole standard-margin book.
import type { ModelParameters, OptionInstrument, ResolvedPosition } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import { positionsExposure } from '../exposure.js';
import { sumComponents } from '../standard.js';
import type { MarginComponent, MarginModel } from '../types.js';
import { deribitFuturesMargin } from './deribitFutures.js';
import {
  optionRatesFor,
  parseDeribitOptionsParameters,
  shortOptionMargin,
  shortOptionTerms,
  type DeribitOptionsParameters,
} from './deribitOptionsRules.js';
import type { Rulebook } from './types.js';

/** Versioned id: Deribit's option rule as published on the pages captured on 2026-11-24. */
export const DERIBIT_OPTIONS_ID = 'deribit-options@2026-11';
const PREFIX = ['parameters', 'rulebook'];

function optionComponent(
  p: ResolvedPosition & { instrument: OptionInstrument },
  view: MarketView,
  parameters: DeribitOptionsParameters,
): MarginComponent {
  const i = p.instrument;
  const rates = optionRatesFor(i.underlying, parameters, PREFIX);
  const terms = shortOptionTerms(i, view);
  const unit = shortOptionMargin(i.optionType, terms, rates);
  const currency = i.settlement === 'inverse' ? i.underlying : i.quote;
  const units = -p.quantity * i.contractSize;
  const toReporting = view.price(currency);
  return {
    kind: 'position',
    label: `short ${i.id}: IM max(${rates.imBase} - OTM/U, ${rates.imFloor}) + mark, MM ${rates.mmRate} + mark`,
    underlying: i.underlying,
    instrument: i.id,
    im: units * unit.im * toReporting,
    mm: units * unit.mm * toReporting,
    detail: {
      quantity: p.quantity,
      marginCurrency: currency,
      underlyingPrice: terms.underlyingPrice,
      outOfTheMoney: terms.outOfTheMoney,
      mark: terms.mark,
      imRate: unit.imRate,
      imPerUnit: unit.im,
      mmPerUnit: unit.mm,
      imInCurrency: units * unit.im,
      mmInCurrency: units * unit.mm,
    },
  };
}

function isOption(p: ResolvedPosition): p is ResolvedPosition & { instrument: OptionInstrument } {
  return p.instrument.kind === 'option';
}

/** Deribit's standard margin: short options by the option rule, futures and perpetuals by their rates. */
export const deribitOptionsMargin: MarginModel = (exposure, ctx, parameters) => {
  const settings = parseDeribitOptionsParameters(parameters.rulebook, PREFIX);
  const components: MarginComponent[] = [];
  for (const p of exposure.positions) {
    if (isOption(p) && p.quantity < 0) components.push(optionComponent(p, ctx.view, settings));
  }
  const others = exposure.positions.filter((p) => !isOption(p));
  if (others.length > 0) {
    const futuresParameters: ModelParameters = {
      ...parameters,
      rulebook: settings.rates === undefined ? {} : { rates: settings.rates },
    };
    const futures = deribitFuturesMargin(positionsExposure(others), ctx, futuresParameters);
    components.push(...futures.components);
  }
  return sumComponents(DERIBIT_OPTIONS_ID, components);
};

/** Deribit standard margin for inverse (BTC, ETH) and linear (USDC) options, with futures and perpetuals. */
export const deribitOptionsRulebook: Rulebook = {
  id: DERIBIT_OPTIONS_ID,
  venue: 'deribit',
  title: 'Deribit options (inverse and linear USDC), standard margin, with futures and perpetuals',
  date: '2026-11-24',
  sources: [
    'https://doc.tslab.pro/tslab/eng/data-providers/connection-to-broker/deribit-cryptocurrency-exchange/deribit-margin-requirements-calculation',
    'https://support.deribit.com/hc/en-us/articles/25944688327069-Inverse-Options',
    'https://support.deribit.com/hc/en-us/articles/25944750999581-Linear-USDC-Options',
    'https://support.deribit.com/hc/en-us/articles/25944738177565-Linear-Perpetual',
    'https://helpcenter.bit.com/hc/en-us/articles/11039356631321-3-Margin-Rules-for-USD-Margined-Options',
  ],
  margin: deribitOptionsMargin,
};

// Bybit USDT perpetuals and futures (linear) and inverse contracts, unified trading account, regular (cross) margin
// and isolated margin. Risk-limit tiers come from parameters.rulebook: `brackets` per instrument (notionalCap =
// risk limit, maintenanceAmount = MM deduction, imRate = the tier's initial margin rate) or ccxt `tiers`
// (fetchLeverageTiers, whose `info` carries Bybit's mmDeduction and initialMargin). No table is shipped.
import type { ValidatingRulebook } from './binance.js';
import { bracketRulebookMargin, validateBracketAccount, type BracketRulebookSpec } from './binanceMargin.js';
import { bybitLiquidation } from './bybitLiquidation.js';

// The help centre's articles (the bankruptcy price and maintenance margin articles, cited in docs/venues/bybit.md
// by title, have no stable address to give here).
const SOURCES = [
  'https://www.bybit.com/en/help-center/article/Liquidation-Price-Calculation-under-Isolated-Mode-Unified-Trading-Account',
  'https://www.bybit.com/en/help-center/article/Liquidation-Price-USDT-Contract',
  'https://help.bybit.com/hc/en-us/articles/900000181046',
  'https://www.bybit.com/en/help-center/article/Risk-Limit-Inverse-Contract',
  'https://www.bybit.com/en/announcement-info/margin-parameters',
  'https://www.bybit.com/en/help-center/article/Initial-Margin-Calculation-USDC-Contract',
  'https://help.bybit.com/hc/en-us/articles/360039261334',
];

const LINEAR: BracketRulebookSpec = {
  id: 'bybit-linear@2024-09',
  venue: 'Bybit',
  settlement: 'linear',
  rowName: 'tier',
  amountName: 'MM deduction',
  defaults: new Map(),
  // No leverage chosen: the tier's initial margin rate (its maximum leverage).
  defaultLeverage: undefined,
  // parameters.rulebook.closingFeeRate adds Bybit's estimated fee to close to IM and MM (bybitFees.ts).
  closingFee: true,
};

const INVERSE: BracketRulebookSpec = { ...LINEAR, id: 'bybit-inverse@2024-09', settlement: 'inverse' };

/** Bybit USDT contracts: risk-limit tiers with MM deduction, isolated liquidation and bankruptcy prices. */
export const bybitLinear: ValidatingRulebook = {
  id: LINEAR.id,
  venue: 'bybit',
  title: 'Bybit USDT perpetual and futures (unified account: regular margin and isolated)',
  date: '2024-09-10',
  sources: SOURCES,
  margin: bracketRulebookMargin(LINEAR),
  liquidation: (account, _exposure, view) => bybitLiquidation(LINEAR, account, view),
  validate: (account) => validateBracketAccount(LINEAR, account),
};

/** Bybit inverse contracts: tiers in coin, isolated liquidation and bankruptcy prices in USD per coin. */
export const bybitInverse: ValidatingRulebook = {
  id: INVERSE.id,
  venue: 'bybit',
  title: 'Bybit inverse perpetual and futures (unified account: regular margin and isolated)',
  date: '2024-09-10',
  sources: SOURCES,
  margin: bracketRulebookMargin(INVERSE),
  liquidation: (account, _exposure, view) => bybitLiquidation(INVERSE, account, view),
  validate: (account) => validateBracketAccount(INVERSE, account),
};

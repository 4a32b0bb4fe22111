// Binance USDⓈ-M and COIN-M futures in their standard cross and isolated modes (not Portfolio Margin).
import type { ResolvedAccount } from '../../core/index.js';
import { BINANCE_USDM_BRACKETS_2024_10 } from './binanceBrackets.js';
import { bracketLiquidation } from './binanceLiquidation.js';
import { bracketRulebookMargin, validateBracketAccount, type BracketRulebookSpec } from './binanceMargin.js';
import type { Rulebook } from './types.js';

/** A rulebook that can also check an account's parameters and positions before anything is computed. */
export type ValidatingRulebook = Rulebook & { validate: (account: ResolvedAccount) => void };

// "If the trader makes no selection on leverage, it will be set at 20x by default" (Binance, Leverage and Margin of
// USDⓈ-M Futures, https://www.binance.com/en/support/faq/360033162192; the COIN-M page says the same).
const BINANCE_DEFAULT_LEVERAGE = 20;

const SOURCES_USDM = [
  'https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93',
  'https://www.binance.com/en/support/faq/360033162192',
  'https://www.binance.com/en/futures/trading-rules/perpetual/leverage-margin',
];

const SOURCES_COINM = [
  'https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46',
  'https://www.binance.com/en/support/faq/be2c7d9d95b04a7e8044ed02dd7dfe5c',
];

const USDM: BracketRulebookSpec = {
  id: 'binance-usdm@2024-10',
  venue: 'Binance',
  settlement: 'linear',
  rowName: 'bracket',
  amountName: 'cum',
  defaults: BINANCE_USDM_BRACKETS_2024_10,
  defaultLeverage: BINANCE_DEFAULT_LEVERAGE,
};

const COINM: BracketRulebookSpec = {
  id: 'binance-coinm@2024-10',
  venue: 'Binance',
  settlement: 'inverse',
  rowName: 'bracket',
  amountName: 'cum',
  // No COIN-M table is shipped: brackets (in coin) come from parameters.rulebook.
  defaults: new Map(),
  defaultLeverage: BINANCE_DEFAULT_LEVERAGE,
};

/** Binance USDⓈ-M futures: brackets by USDT notional with the cum chain, Binance's liquidation formula. */
export const binanceUsdm: ValidatingRulebook = {
  id: USDM.id,
  venue: 'binance',
  title: 'Binance USDⓈ-M futures (cross and isolated, one-way and hedge mode)',
  date: '2024-10-24',
  sources: SOURCES_USDM,
  margin: bracketRulebookMargin(USDM),
  liquidation: (account, _exposure, view) => bracketLiquidation(USDM, account, view),
  validate: (account) => validateBracketAccount(USDM, account),
};

/** Binance COIN-M futures: brackets by coin notional, Binance's COIN-M liquidation formula. */
export const binanceCoinm: ValidatingRulebook = {
  id: COINM.id,
  venue: 'binance',
  title: 'Binance COIN-M futures (cross and isolated, one-way and hedge mode)',
  date: '2024-10-24',
  sources: SOURCES_COINM,
  margin: bracketRulebookMargin(COINM),
  liquidation: (account, _exposure, view) => bracketLiquidation(COINM, account, view),
  validate: (account) => validateBracketAccount(COINM, account),
};

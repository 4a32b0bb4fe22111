import type { ResolvedBook } from '../../core/index.js';
import { InputError, type InputIssue } from '../../core/index.js';
import type { Rulebook } from './types.js';
import { binanceCoinm, binanceUsdm } from './binance.js';
import { binancePortfolioRulebook } from './binancePortfolio.js';
import { bybitInverse, bybitLinear } from './bybit.js';
import { bybitPortfolioRulebook } from './bybitPortfolio.js';
import { derivePmrm2Rulebook } from './derive/rulebook.js';
import { deribitFuturesRulebook } from './deribitFutures.js';
import { deribitOptionsRulebook } from './deribitOptions.js';
import { deribitPortfolioRulebook } from './deribitPortfolio.js';
import { dydxRulebook } from './dydx.js';
import { hyperliquidRulebook } from './hyperliquid.js';
import { hyperliquidPortfolioRulebook } from './hyperliquidPortfolio.js';
import { okxRulebook } from './okx.js';
import { okxPortfolioRulebook } from './okxPortfolio.js';
import { spanRulebook } from './span/rulebook.js';

export type { Rulebook, VenueLiquidation } from './types.js';

// Every rulebook, one import per venue file. Add a rulebook by adding it to this list.
const ALL: readonly Rulebook[] = [
  binanceUsdm,
  binanceCoinm,
  binancePortfolioRulebook,
  bybitLinear,
  bybitInverse,
  bybitPortfolioRulebook,
  derivePmrm2Rulebook,
  okxRulebook,
  okxPortfolioRulebook,
  hyperliquidRulebook,
  hyperliquidPortfolioRulebook,
  dydxRulebook,
  deribitFuturesRulebook,
  deribitOptionsRulebook,
  deribitPortfolioRulebook,
  spanRulebook,
];

/** The rulebooks by id. */
export const rulebooks: ReadonlyMap<string, Rulebook> = new Map(ALL.map((r) => [r.id, r]));

/** Throws InputError naming every account whose rulebook is unknown or rejects it, with every problem found. */
export function checkRulebooks(book: ResolvedBook): void {
  const issues: InputIssue[] = [];
  for (const account of book.accounts.values()) {
    if (account.rulebook === undefined) continue;
    const rulebook = rulebooks.get(account.rulebook);
    if (rulebook === undefined) {
      const known = [...rulebooks.keys()].sort().join(', ');
      issues.push({
        path: `accounts.${account.id}.rulebook`,
        message: `unknown rulebook "${account.rulebook}"`,
        hint: known === '' ? 'no rulebooks are installed' : `known: ${known}`,
      });
      continue;
    }
    try {
      rulebook.validate?.(account);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new InputError(issues);
}

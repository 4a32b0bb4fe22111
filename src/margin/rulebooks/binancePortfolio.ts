// Binance Portfolio Margin as a rulebook: USDⓈ-M and COIN-M futures and the cross margin account's loans margined
// together, with the account's figures in Binance's own terms (uniMMR). The rules are in binancePortfolioRules.ts.
// ΣMM is Binance's; the requirement this rulebook reports adds the 5% above it at which Binance liquidates, so that
// equity = MM (unimargin's liquidation) is Binance's uniMMR of 105%. The collateral ratios are the account's
// `parameters.collateral.haircuts` (ratio = 1 − haircut), which the tree's equity applies too: the report's equity
// is Binance's Σ adjustedEquity.
import {
  InputError,
  type InputIssue,
  type ModelParameters,
  type ResolvedAccount,
  type ResolvedPosition,
} from '../../core/index.js';
import type { MarketView, RiskContext } from '../../scenarios/index.js';
import type { Exposure } from '../exposure.js';
import { borrowedAmount } from '../loans.js';
import { sumComponents } from '../standard.js';
import type { MarginComponent, MarginModel } from '../types.js';
import { BINANCE_USDM_BRACKETS_2024_10 } from './binanceBrackets.js';
import { bracketPositionComponent, refusedFields, type BracketRulebookSpec } from './binanceMargin.js';
import {
  bracketTable,
  parseRulebookParameters,
  rulebookPath,
  type BracketRulebookParameters,
} from './binanceParameters.js';
import {
  BINANCE_PM_ID,
  DEFAULT_MARGIN_LEVERAGE,
  hasCollateralRatio,
  LIQUIDATION_UNI_MMR,
  MARGIN_LOAN_MMR,
  portfolioEquity,
  uniMmrState,
} from './binancePortfolioRules.js';
import type { Rulebook } from './types.js';

const MODE = `Binance Portfolio Margin (${BINANCE_PM_ID})`;

// Futures are margined by their own product's brackets and leverage (20x when none is chosen, as in the standard
// modes): USDⓈ-M by the shipped 2024-10-24 tables or the account's, COIN-M by the account's.
const BASE = {
  id: BINANCE_PM_ID,
  venue: 'Binance',
  rowName: 'bracket',
  amountName: 'cum',
  defaultLeverage: 20,
  marginLoans: true,
};
const USDM: BracketRulebookSpec = {
  ...BASE,
  settlement: 'linear',
  defaults: BINANCE_USDM_BRACKETS_2024_10,
};
const COINM: BracketRulebookSpec = { ...BASE, settlement: 'inverse', defaults: new Map() };

const specFor = (p: ResolvedPosition): BracketRulebookSpec =>
  p.instrument.settlement === 'inverse' ? COINM : USDM;

/** Returns why the mode cannot hold a position, or undefined. */
function positionProblem(p: ResolvedPosition): string | undefined {
  const i = p.instrument;
  if (i.kind === 'perpetual' || i.kind === 'future') return undefined;
  const what =
    i.kind === 'option' ? 'an option' : i.kind === 'leveraged_token' ? 'a leveraged token' : `a ${i.kind}`;
  return `${i.id} is ${what}: ${MODE} margins USDⓈ-M and COIN-M perpetuals and futures and cross margin loans only`;
}

function loanComponent(asset: string, borrowed: number, leverage: number, view: MarketView): MarginComponent {
  const mmRate = MARGIN_LOAN_MMR.get(leverage) ?? 0;
  const price = view.price(asset);
  return {
    kind: 'loan',
    label: `margin loan ${asset} at ${leverage}x: MarginMM = loan × ${mmRate * 100}%`,
    asset,
    im: (borrowed / (leverage - 1)) * price,
    mm: borrowed * mmRate * price,
    detail: {
      rule: 'MarginMM = loan × MMR (3x 10%, 5x 8%, 10x 5%); marginIM = loan / (leverage − 1)',
      loan: borrowed,
      marginLeverage: leverage,
      mmRate,
      marginMM: borrowed * mmRate,
    },
  };
}

/** The uniMMR and Binance's state, with the 5% above ΣMM at which Binance liquidates (reporting currency). */
function uniMmrComponent(equity: number, unifiedMm: number): MarginComponent {
  const uniMmr = unifiedMm > 0 ? equity / unifiedMm : undefined;
  const state = uniMmr === undefined ? 'no maintenance margin' : uniMmrState(uniMmr);
  return {
    kind: 'net',
    label: `uniMMR ${uniMmr === undefined ? 'none' : `${(uniMmr * 100).toFixed(2)}%`} (${state}); Binance liquidates at ${LIQUIDATION_UNI_MMR * 100}%`,
    im: 0,
    mm: (LIQUIDATION_UNI_MMR - 1) * unifiedMm,
    detail: {
      rule: 'uniMMR = Σ adjustedEquity / ΣMM; liquidation at uniMMR 1.05, so MM here = 1.05 × ΣMM',
      uniMMR: uniMmr ?? 'none',
      adjustedEquity: equity,
      unifiedMaintenanceMargin: unifiedMm,
      state,
      liquidationUniMMR: LIQUIDATION_UNI_MMR,
    },
  };
}

/** Returns the futures and loan components of an exposure under Binance Portfolio Margin. */
function portfolioComponents(
  exposure: Exposure,
  view: MarketView,
  parameters: ModelParameters,
  rb: BracketRulebookParameters,
  path: string,
): MarginComponent[] {
  const out: MarginComponent[] = [];
  for (const p of exposure.positions) {
    const problem = positionProblem(p);
    if (problem !== undefined)
      throw new InputError([{ path: `positions.${p.instrument.id}`, message: problem }]);
    out.push(bracketPositionComponent(specFor(p), p, view, rb, parameters, path));
  }
  const leverage = rb.marginLeverage ?? DEFAULT_MARGIN_LEVERAGE;
  const assets = new Set([...exposure.cash.keys(), ...Object.keys(rb.marginLoans ?? {})]);
  for (const asset of [...assets].sort()) {
    const net = borrowedAmount(exposure.cash.get(asset) ?? 0, exposure.assets.get(asset) ?? 0);
    const borrowed = rb.marginLoans?.[asset] ?? net;
    if (borrowed > 0) out.push(loanComponent(asset, borrowed, leverage, view));
  }
  return out;
}

/** Binance Portfolio Margin: futures MM by brackets, loans by leverage, and the uniMMR with its liquidation level. */
export const binancePortfolioMargin: MarginModel = (exposure, ctx: RiskContext, parameters) => {
  const path = rulebookPath(undefined);
  const rb = parseRulebookParameters(parameters, path);
  const parts = portfolioComponents(exposure, ctx.view, parameters, rb, path);
  const unifiedMm = parts.reduce((a, c) => a + c.mm, 0);
  const equity = portfolioEquity(exposure, ctx.view, parameters);
  return sumComponents(BINANCE_PM_ID, [...parts, uniMmrComponent(equity, unifiedMm)]);
};

/**
 * Throws InputError naming, under `accounts.<id>`, every position the mode does not allow, every missing bracket
 * table, every asset held without a collateral ratio, and every parameter the mode does not take.
 */
export function validateBinancePortfolio(account: ResolvedAccount): void {
  const path = rulebookPath(account.id);
  const rb = parseRulebookParameters(account.parameters, path);
  const issues: InputIssue[] = [...refusedFields(USDM, rb, path)];
  for (const p of account.positions) {
    const where = `accounts.${account.id}.positions.${p.instrument.id}`;
    if (p.instrument.kind === 'spot') continue;
    const problem = positionProblem(p);
    if (problem !== undefined) {
      issues.push({ path: where, message: problem });
      continue;
    }
    if (p.isolatedMargin !== undefined)
      issues.push({
        path: `${where}.isolatedMargin`,
        message: `${MODE} margins every position in one account: no isolated margin`,
      });
    try {
      bracketTable(p.instrument, rb, account.parameters, specFor(p).defaults, path);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(...e.issues);
    }
  }
  const held = [
    ...account.balances.filter((b) => b.amount > 0).map((b) => b.asset),
    ...account.positions.filter((p) => p.instrument.kind === 'spot').map((p) => p.instrument.underlying),
  ];
  for (const asset of [...new Set(held)].sort())
    if (!hasCollateralRatio(asset, account.parameters))
      issues.push({
        path: `accounts.${account.id}.parameters.collateral.haircuts.${asset}`,
        message: `no Binance Portfolio Margin collateral ratio for ${asset}`,
        hint: 'give the haircut 1 − collateral ratio (GET /sapi/v1/portfolio/collateralRate lists the ratios)',
      });
  if (issues.length > 0) throw new InputError(issues);
}

/** Binance Portfolio Margin (uniMMR): USDⓈ-M, COIN-M and cross margin loans against one adjusted equity. */
export const binancePortfolioRulebook: Rulebook = {
  id: BINANCE_PM_ID,
  venue: 'binance',
  title: 'Binance Portfolio Margin: USDⓈ-M, COIN-M and cross margin loans, unified maintenance margin ratio',
  date: '2024-11-14',
  sources: [
    'https://www.binance.com/en/support/faq/4868b2f1aa6c4d08af973328462bb0bd',
    'https://www.binance.com/en/support/faq/5e33af8e6ac04d57a1d0a3398e0a0752',
    'https://www.binance.com/en/support/announcement/174861644e7049aaa64845f1db2e4376',
    'https://developers.binance.com/docs/derivatives/portfolio-margin-pro/market-data/Portfolio-Margin-Pro-Tiered-Collateral-Rate',
  ],
  margin: binancePortfolioMargin,
  validate: validateBinancePortfolio,
};

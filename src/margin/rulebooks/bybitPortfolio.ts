// Bybit Unified Trading Account portfolio margin (bybit-pm@2025-01) as a rulebook: per risk unit (an underlying: its
// USDT, USDC and inverse perpetuals, futures and options, with the spot that hedges them when spot hedging is on) the
// terms Bybit names, MM = maximum loss + contingency component (perpetual and futures, short options, vega spread,
// delta spread, USDT-USDC spread), IM = IM factor x MM; borrowing is added at the account as in cross margin. Every
// term is a component of its own with its value in `detail`, so Bybit's figures stand beside IM and MM and the
// components add up to them. The computation is in bybitPortfolioRisk.ts, the parameters with their sources in
// bybitPortfolioParameters.ts; docs/venues/bybit-pm.md says which are published and which are assumptions.
import {
  InputError,
  type InputIssue,
  type ResolvedAccount,
  type ResolvedPosition,
  type ScanMoves,
} from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import type { Exposure } from '../exposure.js';
import { loanComponents } from '../loans.js';
import { sumComponents } from '../standard.js';
import type { MarginComponent, MarginModel } from '../types.js';
import {
  BYBIT_PM_ID,
  bybitUnitParameters,
  parseBybitPortfolioParameters,
  type BybitPortfolioParameters,
} from './bybitPortfolioParameters.js';
import { bybitUnitRisk, type BybitContingencies, type BybitUnitRisk } from './bybitPortfolioRisk.js';
import { riskUnits } from './okxPortfolio.js';
import type { Rulebook } from './types.js';

const MODE = `Bybit portfolio margin (${BYBIT_PM_ID})`;
const PREFIX = ['parameters', 'rulebook'];
const STABLE = ['USDT', 'USDC'];

/** Returns why the mode cannot hold a position, or undefined. */
export function bybitPortfolioProblem(p: ResolvedPosition): string | undefined {
  const i = p.instrument;
  if (i.kind === 'leveraged_token')
    return `${i.id} is a leveraged token: Bybit's leveraged tokens are not margined, and ${MODE} margins spot, perpetuals, futures and options`;
  if (i.kind === 'option' && (i.settlement === 'inverse' || !STABLE.includes(i.quote)))
    return `${i.id} is a ${i.settlement === 'inverse' ? 'coin' : i.quote}-settled option: Bybit lists USDT and USDC options only, so ${MODE} has no rule for it`;
  if (
    (i.kind === 'perpetual' || i.kind === 'future') &&
    i.settlement === 'linear' &&
    !STABLE.includes(i.quote)
  )
    return `${i.id} is settled in ${i.quote}: Bybit's linear contracts settle in USDT or USDC, so ${MODE} has no rule for it`;
  if (p.isolatedMargin !== undefined)
    return `${i.id} is an isolated position: ${MODE} margins the whole account (isolated margin is a mode of its own, bybit-linear@2024-09)`;
  return undefined;
}

const usd = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
const pct = (x: number): string => `${x > 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;

const CONTINGENCY_LABELS: Record<keyof BybitContingencies, [string, MarginComponent['kind']]> = {
  perpetualFutures: ['perpetual and futures contingency', 'position'],
  shortOptions: ['short options contingency', 'position'],
  vegaSpread: ['vega spread contingency', 'spread'],
  deltaSpread: ['delta spread contingency', 'spread'],
  stablecoinSpread: ['USDT-USDC spread contingency', 'spread'],
};

/** Returns the components of one risk unit: the maximum loss and each contingency, IM = factor x MM. */
function unitComponents(r: BybitUnitRisk, imFactor: number): MarginComponent[] {
  const s = r.scenario;
  const maximumLoss: MarginComponent = {
    kind: 'scan',
    label: `${r.underlying} risk unit maximum loss (price ${pct(s.move)}, vol ${s.vol}; ${r.scenarios} scenarios): ${usd(r.maximumLoss)}`,
    underlying: r.underlying,
    im: imFactor * r.maximumLoss,
    mm: r.maximumLoss,
    detail: {
      maximumLoss: r.maximumLoss,
      move: s.move,
      vol: s.vol,
      scenarios: r.scenarios,
      contingencyComponent: r.contingency,
      riskUnitMm: r.mm,
      riskUnitIm: imFactor * r.mm,
      imFactor,
      delta: r.delta,
      spotInUse: r.spotInUse,
    },
  };
  const keys = Object.keys(CONTINGENCY_LABELS) as (keyof BybitContingencies)[];
  return [
    maximumLoss,
    ...keys.map((key): MarginComponent => {
      const [label, kind] = CONTINGENCY_LABELS[key];
      const value = r.contingencies[key];
      return {
        kind,
        label: `${r.underlying} risk unit ${label}: ${usd(value)}`,
        underlying: r.underlying,
        im: imFactor * value,
        mm: value,
        detail: { [key]: value },
      };
    }),
  ];
}

/** Returns the borrowing components: the generic loan rates, as Bybit charges borrowing the same in cross margin. */
function borrowingComponents(exposure: Exposure, view: MarketView, parameters: Parameters<MarginModel>[2]) {
  return loanComponents(exposure, view, parameters).map((c) => ({
    ...c,
    label: `borrowing ${c.asset ?? ''}: as in cross margin (generic loan rates; Bybit's borrowing tiers are not modelled)`,
  }));
}

/** Returns every risk unit's figures of an exposure (reporting currency); throws InputError for a refused position. */
export function bybitPortfolioUnits(
  exposure: Exposure,
  view: MarketView,
  settings: BybitPortfolioParameters,
  prefix: readonly string[],
): BybitUnitRisk[] {
  for (const p of exposure.positions) {
    const problem = bybitPortfolioProblem(p);
    if (problem !== undefined)
      throw new InputError([{ path: `positions.${p.instrument.id}`, message: problem }]);
  }
  return riskUnits(exposure).map((u) =>
    bybitUnitRisk(u, view, settings, bybitUnitParameters(u.underlying, settings, prefix)),
  );
}

/** Bybit portfolio margin: the risk units' maximum loss and contingencies, IM factor x MM, borrowing (reporting currency). */
export const bybitPortfolioMargin: MarginModel = (exposure, ctx, parameters) => {
  const settings = parseBybitPortfolioParameters(parameters.rulebook, PREFIX);
  const units = bybitPortfolioUnits(exposure, ctx.view, settings, PREFIX);
  return sumComponents(BYBIT_PM_ID, [
    ...units.flatMap((u) => unitComponents(u, settings.imFactor)),
    ...borrowingComponents(exposure, ctx.view, parameters),
  ]);
};

/** Throws InputError naming, under `accounts.<id>`, every position the mode does not allow and every bad parameter. */
export function validateBybitPortfolio(account: ResolvedAccount): void {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const settings = parseBybitPortfolioParameters(account.parameters.rulebook, prefix);
  const issues: InputIssue[] = [];
  const underlyings = new Set<string>();
  for (const p of account.positions) {
    if (p.instrument.kind === 'spot') continue;
    const problem = bybitPortfolioProblem(p);
    if (problem !== undefined)
      issues.push({ path: `accounts.${account.id}.positions.${p.instrument.id}`, message: problem });
    else underlyings.add(p.instrument.underlying);
  }
  for (const u of [...underlyings].sort()) {
    try {
      bybitUnitParameters(u, settings, prefix);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length > 0) throw new InputError(issues);
}

/** Bybit UTA portfolio margin: risk units by underlying, maximum loss + contingency component, IM factor x MM. */
/**
 * The widest moves Bybit's rule scans on an underlying: its price range (the maximum loss scenarios), no extreme
 * moves; a netting node above a Bybit portfolio account scans at least these (docs/methodology.md).
 */
export function bybitPortfolioScanMoves(account: ResolvedAccount, underlying: string): ScanMoves | undefined {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  try {
    const settings = parseBybitPortfolioParameters(account.parameters.rulebook, prefix);
    return { range: bybitUnitParameters(underlying, settings, prefix).priceRange, extremes: [] };
  } catch (e) {
    // No published range for the underlying, or a bad parameter: validate reports it; it widens nothing.
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

export const bybitPortfolioRulebook: Rulebook = {
  id: BYBIT_PM_ID,
  venue: 'bybit',
  title:
    'Bybit Unified Trading Account portfolio margin: risk units with spot hedging, maximum loss + contingencies',
  date: '2025-01-10',
  sources: [
    'https://bybitglobal.com/en/help-center/article/Introduction-to-Portfolio-Margin',
    'https://learn.bybitglobal.com/en/trading/bybit-portfolio-margin-risk-parameter-adjustment',
    'https://www.bybit.com/kk-KZ/help-center/article/Comparison-of-Spread-Strategies-in-Cross-Margin-and-Portfolio-Margin',
    'https://www.bybit.com/en/help-center/article/UTA-Trading-Rules',
    'https://bybit-exchange.github.io/docs/v5/account/set-spot-hedge',
  ],
  margin: bybitPortfolioMargin,
  validate: validateBybitPortfolio,
  scanMoves: bybitPortfolioScanMoves,
};

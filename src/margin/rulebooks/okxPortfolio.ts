// OKX portfolio margin (okx-pm@2025-01) as a rulebook: per risk unit (an underlying: its perpetuals, futures and
// coin-margined options in every margin currency, with the spot that hedges them) the MR components OKX names, the
// unit's MMR = max{max(MR1, MR2, MR6) + MR3 + MR4 + MR5 + MR9, MR7 adjusted}, borrowing (MR8) added at the
// account, and IMR = 1.3 x MMR. Every MR is a component of its own, with its value in `detail` even where it does
// not count (a non-binding term of a max), so the venue's own terms stand beside IM and MM and the components add
// up to them. The computation is in okxPortfolioRisk.ts, the parameters with their sources in
// okxPortfolioParameters.ts; docs/venues/okx-pm.md says which are published and which are assumptions.
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
  OKX_PM_ID,
  OKX_PM_IMR_FACTOR,
  parseOkxPortfolioParameters,
  givenUnitParameters,
  unitParameters,
  type OkxPortfolioParameters,
} from './okxPortfolioParameters.js';
import { unitRisk, type RiskUnit, type UnitRisk } from './okxPortfolioRisk.js';
import type { Rulebook } from './types.js';

const MODE = `OKX portfolio margin (${OKX_PM_ID})`;
const PREFIX = ['parameters', 'rulebook'];

/** Returns why the mode cannot hold a position, or undefined. */
export function okxPortfolioProblem(p: ResolvedPosition): string | undefined {
  const i = p.instrument;
  if (i.kind === 'leveraged_token')
    return `${i.id} is a leveraged token: OKX offers none, and ${MODE} margins spot, perpetuals, futures and options`;
  if (i.kind === 'option' && i.settlement !== 'inverse')
    return `${i.id} is a ${i.quote}-settled option: OKX lists coin-margined options only (BTC-USD, ETH-USD), so ${MODE} has no rule for it`;
  if (p.isolatedMargin !== undefined)
    return `${i.id} is an isolated position: ${MODE} margins the cross portfolio only (margin isolated positions with okx-swap@2024-10)`;
  return undefined;
}

/** Returns the exposure's risk units: positions by underlying, with the coins held of each, in a stable order. */
export function riskUnits(exposure: Exposure): RiskUnit[] {
  const units = new Map<string, RiskUnit>();
  for (const p of exposure.positions) {
    const u = p.instrument.underlying;
    const unit = units.get(u) ?? { underlying: u, positions: [], held: exposure.cash.get(u) ?? 0 };
    unit.positions.push(p);
    units.set(u, unit);
  }
  return [...units.values()].sort((a, b) => a.underlying.localeCompare(b.underlying));
}

const usd = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
const pct = (x: number): string => `${x > 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;

/** Returns the components of one risk unit: MR1-MR7 and MR9, counted as OKX's formula counts them. */
function unitComponents(r: UnitRisk): MarginComponent[] {
  const counted = r.derivatives >= r.mr7;
  const largest = Math.max(r.mr1, r.mr2, r.mr6);
  const binding = r.mr1 === largest ? 'MR1' : r.mr2 === largest ? 'MR2' : 'MR6';
  const why = (name: string, inMax: boolean): string =>
    !counted
      ? 'no: MR7 adjusted exceeds the derivatives MR'
      : inMax && name !== binding
        ? `no: ${binding} is the largest of MR1, MR2, MR6`
        : 'yes';
  const part = (
    name: string,
    label: string,
    value: number,
    inMax: boolean,
    kind: MarginComponent['kind'],
    extra: Record<string, number | string> = {},
  ): MarginComponent => {
    const use = why(name, inMax) === 'yes' ? value : 0;
    return {
      kind,
      label: `${r.underlying} risk unit ${name} ${label}: ${usd(value)}${use === 0 && value > 0 ? ' (not counted)' : ''}`,
      underlying: r.underlying,
      im: OKX_PM_IMR_FACTOR * use,
      mm: use,
      detail: { [name.toLowerCase()]: value, counted: why(name, inMax), ...extra },
    };
  };
  const unit = {
    riskUnitMmr: r.mmr,
    derivativesMr: r.derivatives,
    delta: r.delta,
    spotInUse: r.spotInUse,
  };
  const s1 = r.mr1Scenario;
  const s6 = r.mr6Scenario;
  return [
    part('MR1', `spot shock (price ${pct(s1.move)}, vol ${s1.vol})`, r.mr1, true, 'scan', {
      ...unit,
      move: s1.move,
      vol: s1.vol,
    }),
    part('MR2', 'theta decay', r.mr2, true, 'scan'),
    part('MR6', `extreme move (price ${pct(s6.move)}, vol ${s6.vol})`, r.mr6, true, 'scan', {
      move: s6.move,
      vol: s6.vol,
    }),
    part('MR3', 'vega term structure', r.mr3, false, 'scan'),
    part('MR4', 'basis', r.mr4, false, 'spread'),
    part('MR5', 'interest rate', r.mr5, false, 'scan'),
    {
      kind: 'position',
      label: `${r.underlying} risk unit MR7 minimum charge (position reduction cost, tiered): ${usd(r.mr7)}${counted ? ' (not counted)' : ''}`,
      underlying: r.underlying,
      im: counted ? 0 : OKX_PM_IMR_FACTOR * r.mr7,
      mm: counted ? 0 : r.mr7,
      detail: {
        mr7: r.mr7,
        mr7Raw: r.mr7Raw,
        counted: counted ? 'no: the derivatives MR is at least MR7 adjusted' : 'yes',
      },
    },
    {
      kind: 'net',
      label: `${r.underlying} risk unit MR9 stablecoin depegging: not modelled (OKX's tiers are not in the stored pages)`,
      underlying: r.underlying,
      im: 0,
      mm: 0,
      detail: { mr9: 'not modelled' },
    },
  ];
}

/** Returns the MR8 borrowing components: the generic loan rates, labelled as such. */
function borrowingComponents(exposure: Exposure, view: MarketView, parameters: Parameters<MarginModel>[2]) {
  return loanComponents(exposure, view, parameters).map((c) => ({
    ...c,
    label: `MR8 borrowing ${c.asset ?? ''}: generic loan rates (OKX's borrowing tiers are not modelled)`,
  }));
}

/** Returns every risk unit's figures of an exposure (reporting currency). */
export function okxPortfolioUnits(
  exposure: Exposure,
  view: MarketView,
  settings: OkxPortfolioParameters,
  prefix: readonly string[],
): UnitRisk[] {
  for (const p of exposure.positions) {
    const problem = okxPortfolioProblem(p);
    if (problem !== undefined)
      throw new InputError([{ path: `positions.${p.instrument.id}`, message: problem }]);
  }
  return riskUnits(exposure).map((u) =>
    unitRisk(u, view, settings, unitParameters(u.underlying, settings, prefix)),
  );
}

/** OKX portfolio margin: the risk units' MR components, borrowing, and IMR = 1.3 x MMR (reporting currency). */
export const okxPortfolioMargin: MarginModel = (exposure, ctx, parameters) => {
  const settings = parseOkxPortfolioParameters(parameters.rulebook, PREFIX);
  const units = okxPortfolioUnits(exposure, ctx.view, settings, PREFIX);
  return sumComponents(OKX_PM_ID, [
    ...units.flatMap(unitComponents),
    ...borrowingComponents(exposure, ctx.view, parameters),
  ]);
};

/** Throws InputError naming, under `accounts.<id>`, every position the mode does not allow and every bad parameter. */
export function validateOkxPortfolio(account: ResolvedAccount): void {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const settings = parseOkxPortfolioParameters(account.parameters.rulebook, prefix);
  const issues: InputIssue[] = [];
  const underlyings = new Set<string>();
  for (const p of account.positions) {
    if (p.instrument.kind === 'spot') continue;
    const problem = okxPortfolioProblem(p);
    if (problem !== undefined)
      issues.push({ path: `accounts.${account.id}.positions.${p.instrument.id}`, message: problem });
    else underlyings.add(p.instrument.underlying);
  }
  for (const u of [...underlyings].sort()) {
    try {
      unitParameters(u, settings, prefix);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length > 0) throw new InputError(issues);
}

/**
 * The widest moves OKX's rule scans on an underlying: MR1's price move and MR6's extreme move at its cover, so a
 * netting node above an OKX portfolio account scans at least these (docs/methodology.md, scan widening).
 */
export function okxPortfolioScanMoves(account: ResolvedAccount, underlying: string): ScanMoves | undefined {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  try {
    const settings = parseOkxPortfolioParameters(account.parameters.rulebook, prefix);
    const u = givenUnitParameters(underlying, settings);
    const cover = settings.extremeCover;
    return { range: u.priceMove, extremes: [-u.extremeMove, u.extremeMove].map((move) => ({ move, cover })) };
  } catch (e) {
    // A parameter the rulebook refuses is reported by validate, at its path; it widens nothing.
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

/** OKX portfolio margin: risk units by underlying, MR1-MR8 as OKX names them, IMR 1.3 x MMR. */
export const okxPortfolioRulebook: Rulebook = {
  id: OKX_PM_ID,
  venue: 'okx',
  title: 'OKX portfolio margin: risk units with spot hedging, MR1-MR8, IMR = 1.3 x MMR',
  date: '2025-01-15',
  sources: [
    'https://www.okx.com/help/okx-will-further-adjust-portfolio-margin-parameters',
    'https://www.okx.com/help/okx-will-update-margin-calculation-rules-for-the-portfolio-margin-mode',
    'https://www.okx.com/help/vi-multi-currency-margin-mode-vs-portfolio-margin-mode',
    'https://www.okx.com/support/hc/en-us/articles/4417291853837-OKEx-adjusts-scaling-factor-logic-in-Portfolio-Margin-mode',
    'https://www.okx.com/help/okx-to-enhance-new-features-in-portfolio-margin-mode',
    'https://www.okx.com/docs-v5/en/#trading-account-rest-api-position-builder-new',
  ],
  margin: okxPortfolioMargin,
  validate: validateOkxPortfolio,
  scanMoves: okxPortfolioScanMoves,
};

// Hyperliquid portfolio margin (hyperliquid-pm@2026-12) as a rulebook: USDC perpetuals in cross margin and spot
// balances margined together, HYPE and BTC as collateral at their loan-to-value, USDC borrowed automatically, and
// the account liquidated when its portfolio margin ratio (PMR) exceeds 0.95. The perpetuals' own IM and MM are the
// cross rulebook's (hyperliquid-perp: margin tiers); the rules of the mode are in hyperliquidPortfolioRules.ts.
//
// How the PMR maps onto equity and MM: the report's equity counts USDC (cash plus perp P&L) in full and collateral at
// its liquidation threshold up to its supply cap (the `haircuts` below), and MM is that equity at the USDC balance
// where the PMR reaches 0.95, all else fixed. So equity − MM is the USDC the account can lose before Hyperliquid
// liquidates it, and equity = MM exactly when PMR = 0.95. IM: equity − IM is Hyperliquid's available balance (USDC
// plus what collateral can borrow at its LTV, less the positions' initial margin), never below MM.
import {
  InputError,
  type HaircutTier,
  type InputIssue,
  type ModelParameters,
  type ResolvedAccount,
  type ResolvedPosition,
} from '../../core/index.js';
import type { MarketView, RiskContext } from '../../scenarios/index.js';
import { positionsExposure, type Exposure } from '../exposure.js';
import { sumComponents } from '../standard.js';
import type { MarginComponent, MarginModel } from '../types.js';
import { hyperliquidMargin } from './hyperliquid.js';
import { parseHyperliquidParameters, termsFor } from './hyperliquidTiers.js';
import {
  BORROWABLE,
  HYPERLIQUID_PM_ID,
  LIQUIDATION_PMR,
  MIN_BORROW_OFFSET,
  borrowLiquidationState,
  borrowLiquidationThresholds,
  countCollateral,
  healthFactor,
  liquidationBalance,
  liquidationThreshold,
  parseHyperliquidPortfolioParameters,
  portfolioMarginRatio,
  type CollateralCount,
  type HyperliquidPortfolioParameters,
  type PmrParts,
} from './hyperliquidPortfolioRules.js';
import type { Rulebook } from './types.js';

const MODE = `Hyperliquid portfolio margin (${HYPERLIQUID_PM_ID})`;
const PREFIX = ['parameters', 'rulebook'];

/** Returns why the mode cannot hold a (non-spot) position, or undefined. */
export function hyperliquidPortfolioProblem(p: ResolvedPosition): string | undefined {
  const i = p.instrument;
  if (i.kind !== 'perpetual') {
    const what =
      i.kind === 'option' ? 'an option' : i.kind === 'leveraged_token' ? 'a leveraged token' : `a ${i.kind}`;
    return `${i.id} is ${what}: Hyperliquid lists none, and ${MODE} margins USDC perpetuals and spot balances only`;
  }
  if (i.settlement !== 'linear' || i.quote !== BORROWABLE)
    return `${i.id} settles in ${i.settlement === 'inverse' ? i.underlying : i.quote}: ${MODE} margins perpetuals settled in ${BORROWABLE}, its one borrowable token`;
  if (p.isolatedMargin !== undefined)
    return `${i.id} is an isolated position: ${MODE} margins cross positions and spot balances together (margin isolated positions with hyperliquid-perp@2026-11)`;
  return undefined;
}

/** Returns why the mode cannot hold an asset amount (a balance or spot holding), or undefined. */
function assetProblem(
  asset: string,
  amount: number,
  settings: HyperliquidPortfolioParameters,
): string | undefined {
  // USDC may be borrowed in any amount here: past the user borrow cap the model charges the excess (beyondCap).
  if (asset === BORROWABLE) return undefined;
  const eligible = Object.keys(settings.collateral).sort().join(', ');
  if (settings.collateral[asset] === undefined && amount !== 0)
    return `${asset} is not eligible collateral of ${MODE} (eligible: ${eligible}, and ${BORROWABLE})`;
  if (amount < 0) return `${asset} is borrowed: ${MODE} lends ${BORROWABLE} only`;
  return undefined;
}

/** Throws InputError naming every position and asset of an exposure the mode does not allow (paths unprefixed). */
function refuse(exposure: Exposure, settings: HyperliquidPortfolioParameters): void {
  const issues: InputIssue[] = [];
  for (const p of exposure.positions) {
    const problem = hyperliquidPortfolioProblem(p);
    if (problem !== undefined) issues.push({ path: `positions.${p.instrument.id}`, message: problem });
  }
  for (const [asset, amount] of [...exposure.cash].sort(([a], [b]) => a.localeCompare(b))) {
    const problem = assetProblem(asset, amount, settings);
    if (problem !== undefined) issues.push({ path: `balances.${asset}`, message: problem });
  }
  if (issues.length > 0) throw new InputError(issues);
}

/** Returns the collateral the account holds, counted as the PMR counts it (reporting currency). */
function heldCollateral(
  exposure: Exposure,
  view: MarketView,
  settings: HyperliquidPortfolioParameters,
): CollateralCount[] {
  const out: CollateralCount[] = [];
  for (const [asset, amount] of [...exposure.assets].sort(([a], [b]) => a.localeCompare(b))) {
    const terms = settings.collateral[asset];
    if (terms !== undefined && amount > 0) out.push(countCollateral(asset, amount, view.price(asset), terms));
  }
  return out;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0);
const usd = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 2 });

function collateralDetail(c: CollateralCount): MarginComponent {
  const value = Math.min(c.amount, c.supplyCap) * c.price;
  const thresholds = borrowLiquidationThresholds(value, c.ltv);
  return {
    kind: 'net',
    label:
      `collateral ${c.asset}: ${c.amount} at LTV ${c.ltv}, liquidation threshold ${liquidationThreshold(c.ltv)}, ` +
      `counts ${usd(c.liquidationValue)}, can borrow ${usd(c.borrowable)}`,
    asset: c.asset,
    im: 0,
    mm: 0,
    detail: {
      amount: c.amount,
      price: c.price,
      ltv: c.ltv,
      liquidationThreshold: liquidationThreshold(c.ltv),
      supplyCap: c.supplyCap,
      liquidationValue: c.liquidationValue,
      borrowable: c.borrowable,
      partialBorrowLiquidationAt: thresholds.partial,
      fullBorrowLiquidationAt: thresholds.full,
    },
  };
}

/** The account's figures under the mode (reporting currency), before they are split into components. */
interface PortfolioFigures {
  cross: MarginComponent[];
  crossIm: number;
  crossMm: number;
  collateral: CollateralCount[];
  /** USDC balance (cash plus perp P&L) and what is owed once margin sharing has borrowed the losses. */
  balance: number;
  borrowed: number;
  borrowCap: number;
  /** Σ collateral liquidation values, and what it can borrow at LTV (capped by the borrow cap). */
  collateralValue: number;
  capacity: number;
  pmr: PmrParts;
  /** The USDC balance at which the PMR reaches 0.95 (liquidationBalance). */
  threshold: number;
  offset: number;
  /** Whether anything can be liquidated: a cross position or a loan. */
  active: boolean;
}

function portfolioFigures(
  exposure: Exposure,
  ctx: RiskContext,
  parameters: ModelParameters,
  settings: HyperliquidPortfolioParameters,
): PortfolioFigures {
  const view = ctx.view;
  const usdc = view.price(BORROWABLE);
  const cross = hyperliquidMargin(positionsExposure(exposure.positions), ctx, {
    ...parameters,
    rulebook: settings.tiers,
  }).components.map((c) => ({ ...c, label: `cross maintenance margin: ${c.label}` }));
  const crossMm = sum(cross.map((c) => c.mm));
  const collateral = heldCollateral(exposure, view, settings);
  const collateralValue = sum(collateral.map((c) => c.liquidationValue));
  const borrowCap = settings.borrowCap * usdc;
  const balance = (exposure.assets.get(BORROWABLE) ?? 0) * usdc;
  // The FAQ's "Net Balance = equity − borrowed amount": its negative part is owed.
  const borrowed = Math.max(0, -balance);
  const inputs = { crossMaintenance: crossMm, collateralValue, borrowCap, offset: MIN_BORROW_OFFSET * usdc };
  // Nothing to liquidate (no cross position, no loan): the offset alone does not make an account liquidatable.
  const active = crossMm > 0 || borrowed > 0;
  return {
    cross,
    crossIm: sum(cross.map((c) => c.im)),
    crossMm,
    collateral,
    balance,
    borrowed,
    borrowCap,
    collateralValue,
    capacity: Math.min(borrowCap, sum(collateral.map((c) => c.borrowable))),
    pmr: portfolioMarginRatio({ ...inputs, balance }),
    threshold: liquidationBalance(inputs),
    offset: active ? inputs.offset : 0,
    active,
  };
}

/** Returns the PMR component: the rest of MM up to the 0.95 level, IM raised to MM, and the PMR's parts. */
function pmrComponent(f: PortfolioFigures, mm: number, imBase: number, unusedMm: number): MarginComponent {
  const ratio = f.pmr.ratio;
  const state =
    ratio === undefined
      ? 'no liquidation value'
      : ratio > LIQUIDATION_PMR
        ? 'liquidatable'
        : 'not liquidatable';
  const thresholds = f.collateral
    .map((c) => borrowLiquidationThresholds(Math.min(c.amount, c.supplyCap) * c.price, c.ltv))
    .reduce((a, t) => ({ partial: a.partial + t.partial, full: a.full + t.full }), { partial: 0, full: 0 });
  return {
    kind: 'net',
    label:
      `portfolio margin ratio ${ratio === undefined ? 'none' : `${(ratio * 100).toFixed(2)}%`} (${state}); ` +
      `Hyperliquid liquidates above ${LIQUIDATION_PMR * 100}%`,
    im: Math.max(0, mm - imBase),
    mm: f.active ? Math.max(0, mm - f.crossMm - f.offset - unusedMm) : 0,
    detail: {
      rule: 'PMR = (offset + cross MM + borrowed for maintenance) / (USDC balance after it + min(borrow cap, collateral at liquidation threshold)); MM here = equity at the USDC balance where PMR = 0.95',
      portfolioMarginRatio: ratio ?? 'none',
      state,
      liquidationPmr: LIQUIDATION_PMR,
      portfolioMaintenanceRequirement: f.pmr.portfolioMaintenanceRequirement,
      portfolioLiquidationValue: f.pmr.portfolioLiquidationValue,
      borrowedForMaintenance: f.pmr.borrowedForMaintenance,
      portfolioBalance: f.balance,
      liquidationBalance: f.threshold,
      crossMaintenanceMargin: f.crossMm,
      crossInitialMargin: f.crossIm,
      borrowed: f.borrowed,
      healthFactor: healthFactor(f.capacity, f.borrowed) ?? 'no loan',
      partialBorrowLiquidationAt: thresholds.partial,
      fullBorrowLiquidationAt: thresholds.full,
      borrowLiquidation: borrowLiquidationState(f.borrowed, thresholds),
      availableBalance: f.balance + f.capacity - f.crossIm,
    },
  };
}

/**
 * Returns the charge of a loan past the user borrow cap: the venue cannot lend the excess, so equity must cover
 * it at once, in IM and MM alike; nothing within the cap. Charged, not refused: a stress's funding, a what-if or
 * a cap lowered under an open loan reach such a state, and margining it shows the account in liquidation.
 */
function beyondCap(f: PortfolioFigures): MarginComponent[] {
  const excess = f.borrowed - f.borrowCap;
  if (!(excess > 0)) return [];
  return [
    {
      kind: 'loan',
      label: `${BORROWABLE} borrowed beyond the user borrow cap: ${MODE} cannot lend it, equity covers it`,
      im: excess,
      mm: excess,
      detail: { borrowed: f.borrowed, borrowCap: f.borrowCap },
    },
  ];
}

/** Hyperliquid portfolio margin: cross perps' tiered MM, collateral at LTV, and the PMR's 0.95 level (reporting currency). */
export const hyperliquidPortfolioMargin: MarginModel = (exposure, ctx, parameters) => {
  const settings = parseHyperliquidPortfolioParameters(parameters.rulebook, PREFIX);
  refuse(exposure, settings);
  const f = portfolioFigures(exposure, ctx, parameters, settings);
  // MM: equity (USDC balance + collateral value) at the balance where the PMR reaches 0.95.
  const mm = f.active ? f.threshold + f.collateralValue : 0;
  const unused = {
    im: f.collateralValue - f.capacity,
    mm: f.active ? f.collateralValue - Math.min(f.borrowCap, f.collateralValue) : 0,
  };
  return sumComponents(HYPERLIQUID_PM_ID, [
    ...f.cross,
    {
      kind: 'net',
      label: `min_borrow_offset ${MIN_BORROW_OFFSET} ${BORROWABLE}${f.active ? '' : ' (nothing to liquidate: not charged)'}`,
      im: 0,
      mm: f.offset,
      detail: { minBorrowOffset: MIN_BORROW_OFFSET },
    },
    {
      kind: 'loan',
      label:
        'collateral counted in equity at its liquidation threshold beyond what trading (LTV) and the PMR (borrow cap) use',
      im: unused.im,
      mm: unused.mm,
      detail: {
        collateralLiquidationValue: f.collateralValue,
        borrowCapacity: f.capacity,
        borrowCap: f.borrowCap,
      },
    },
    pmrComponent(f, mm, f.crossIm + unused.im, unused.mm),
    ...beyondCap(f),
    ...f.collateral.map((c) => collateralDetail(c)),
  ]);
};

/** Returns the account's collateral valued at its liquidation threshold up to its supply cap, USDC in full. */
export function hyperliquidPortfolioHaircuts(
  account: ResolvedAccount,
  assets: readonly string[],
): Record<string, HaircutTier[]> {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const settings = parseHyperliquidPortfolioParameters(account.parameters.rulebook, prefix);
  const out: Record<string, HaircutTier[]> = {};
  for (const asset of assets) {
    if (asset === BORROWABLE) out[asset] = [{ upTo: undefined, haircut: 0 }];
    const terms = settings.collateral[asset];
    if (terms === undefined) continue;
    out[asset] = [
      { upTo: terms.supplyCap, haircut: 1 - liquidationThreshold(terms.ltv) },
      { upTo: undefined, haircut: 1 },
    ];
  }
  return out;
}

/** Throws InputError naming, under `accounts.<id>`, every position and asset the mode refuses and every bad parameter. */
export function validateHyperliquidPortfolio(account: ResolvedAccount): void {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const settings = parseHyperliquidPortfolioParameters(account.parameters.rulebook, prefix);
  const tiers = parseHyperliquidParameters(settings.tiers, prefix);
  const issues: InputIssue[] = [];
  const where = `accounts.${account.id}`;
  const held = new Map<string, number>();
  for (const b of account.balances) held.set(b.asset, (held.get(b.asset) ?? 0) + b.amount);
  for (const p of account.positions) {
    const path = `${where}.positions.${p.instrument.id}`;
    if (p.instrument.kind === 'spot') {
      const problem = assetProblem(p.instrument.underlying, p.quantity, settings);
      if (problem !== undefined && p.instrument.underlying !== BORROWABLE)
        issues.push({ path, message: problem });
      continue;
    }
    const problem = hyperliquidPortfolioProblem(p);
    if (problem !== undefined) {
      issues.push({ path, message: problem });
      continue;
    }
    try {
      termsFor(p.instrument.underlying, tiers, prefix);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(...e.issues);
    }
  }
  for (const [asset, amount] of [...held].sort(([a], [b]) => a.localeCompare(b))) {
    const problem = assetProblem(asset, amount, settings);
    if (problem !== undefined) issues.push({ path: `${where}.balances.${asset}`, message: problem });
  }
  if (issues.length > 0) throw new InputError(issues);
}

/** Hyperliquid portfolio margin: spot and USDC perps together, HYPE and BTC at LTV 0.5, liquidation above PMR 0.95. */
export const hyperliquidPortfolioRulebook: Rulebook = {
  id: HYPERLIQUID_PM_ID,
  venue: 'hyperliquid',
  title:
    'Hyperliquid portfolio margin: spot and USDC perpetuals together, collateral at LTV, PMR above 0.95 liquidates',
  date: '2026-12-05',
  sources: [
    'https://hyperliquid.gitbook.io/hyperliquid-docs/trading/portfolio-margin',
    'https://hyperliquid.gitbook.io/hyperliquid-docs/support/faq/portfolio-margin',
    'https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers',
  ],
  margin: hyperliquidPortfolioMargin,
  validate: validateHyperliquidPortfolio,
  haircuts: hyperliquidPortfolioHaircuts,
};

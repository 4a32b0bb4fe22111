// Deribit segregated portfolio margin (S:PM) as a unimargin rulebook: the positions of each underlying settled
// in each currency (BTC options and futures in BTC; linear options and perpetuals in USDC) are stress-tested
// together (deribitPortfolioRisk.ts), the requirement is converted to the reporting currency at the index.
// Open orders and market-maker-protection margin, which Deribit adds to the IM of an account, are not part of
// a position book and are left out; cross-collateral (X:PM) offsets between currencies are not modelled.
import type { ResolvedAccount, ResolvedPosition, ScanMoves } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import { sumComponents } from '../standard.js';
import type { MarginComponent, MarginModel } from '../types.js';
import { parseDeribitPortfolioParameters } from './deribitPortfolioParameters.js';
import { groupRisk, type GroupRisk, type PortfolioGroup } from './deribitPortfolioRisk.js';
import { settlementCurrency } from './deribitPortfolioVectors.js';
import type { Rulebook } from './types.js';

/** Versioned id: the parameters of Deribit's published private/pme/simulate example (2024-06-17). */
export const DERIBIT_PM_ID = 'deribit-pm@2024-06';
const PREFIX = ['parameters', 'rulebook'];

const pct = (x: number): string => `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/** Returns the exposure's positions grouped by underlying and settlement currency, in a stable order. */
export function portfolioGroups(positions: readonly ResolvedPosition[]): PortfolioGroup[] {
  const groups = new Map<string, PortfolioGroup>();
  for (const p of positions) {
    const underlying = p.instrument.underlying;
    const currency = settlementCurrency(p);
    const key = `${underlying}/${currency}`;
    const group = groups.get(key) ?? { underlying, currency, positions: [] };
    group.positions.push(p);
    groups.set(key, group);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => g);
}

function groupComponents(r: GroupRisk, view: MarketView, mmFactor: number): MarginComponent[] {
  const { underlying, currency } = r.group;
  const px = view.price(currency);
  const where = { underlying, asset: currency };
  const out: MarginComponent[] = [
    {
      kind: 'scan',
      label: `${underlying}/${currency} worst case (${r.worst.source} ${r.worst.source === 'standard' ? 'bucket' : 'move'} ${r.worst.bucket}: ${pct(r.worst.move)})`,
      ...where,
      im: r.worst.loss * px,
      mm: mmFactor * r.worst.loss * px,
      detail: {
        worstCaseInCurrency: r.worst.loss,
        source: r.worst.source,
        index: r.worst.index,
        bucket: r.worst.bucket,
        side: r.worst.side,
        move: r.worst.move,
        imInCurrency: r.im,
        mmInCurrency: r.mm,
        mmFactor,
      },
    },
    {
      kind: 'position',
      label: `${underlying}/${currency} roll shock`,
      ...where,
      im: r.rollShock * px,
      mm: mmFactor * r.rollShock * px,
      detail: { rollShockInCurrency: r.rollShock },
    },
  ];
  if (r.deltaShock > 0) {
    out.push({
      kind: 'position',
      label: `${underlying}/${currency} delta shock`,
      ...where,
      im: r.deltaShock * px,
      mm: mmFactor * r.deltaShock * px,
      detail: { deltaShockInCurrency: r.deltaShock, delta: r.delta },
    });
  }
  return out;
}

/** Deribit's segregated portfolio margin: per underlying and settlement currency, worst case plus shocks. */
export const deribitPortfolioMargin: MarginModel = (exposure, ctx, parameters) => {
  const settings = parseDeribitPortfolioParameters(parameters.rulebook, PREFIX);
  const components = portfolioGroups(exposure.positions).flatMap((g) =>
    groupComponents(groupRisk(g, ctx.view, settings, PREFIX), ctx.view, settings.mmFactor),
  );
  return sumComponents(DERIBIT_PM_ID, components);
};

/**
 * Returns the moves Deribit scans on an underlying: the risk matrix's price range (±16% for BTC) and the extended
 * table's moves (-66% to +500%), counted at the pair's extended-table factor; undefined for a pair without
 * parameters (the margin itself then names the missing entry).
 */
export function deribitPortfolioScanMoves(
  account: ResolvedAccount,
  underlying: string,
): ScanMoves | undefined {
  const settings = parseDeribitPortfolioParameters(account.parameters.rulebook, PREFIX);
  const pair = settings.pairs[underlying];
  if (pair === undefined) return undefined;
  const cover = Math.min(1, pair.extendedTableFactor);
  return { range: pair.priceRange, extremes: settings.extendedMoves.map((move) => ({ move, cover })) };
}

/** Deribit's segregated portfolio margin (S:PM) with the parameters of its published API example. */
export const deribitPortfolioRulebook: Rulebook = {
  id: DERIBIT_PM_ID,
  venue: 'deribit',
  title: 'Deribit segregated portfolio margin (S:PM): risk matrix, extended table, roll and delta shocks',
  date: '2024-06-17',
  sources: [
    'https://support.deribit.com/hc/en-us/articles/25944756247837-Portfolio-Margin',
    'https://docs.deribit.com/api-reference/account-management/private-simulate',
    'https://docs.oreome.com/docs/scenario/risk-scenario-advanced',
  ],
  margin: deribitPortfolioMargin,
  scanMoves: deribitPortfolioScanMoves,
};

// Hyperliquid perpetuals as the venue publishes them: initial margin = notional / leverage (the leverage set on
// the asset, at most the tier's maximum), maintenance margin = notional x rate - deduction of the notional's
// margin tier, rate = half the initial margin rate at the tier's maximum leverage.
import type { ResolvedAccount, ResolvedPosition } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import { optionOrTokenComponent, sumComponents } from '../standard.js';
import type { MarginComponent, MarginModel } from '../types.js';
import { hyperliquidLiquidation } from './hyperliquidLiquidation.js';
import {
  PERP_COLLATERAL,
  maintenanceMargin,
  parseHyperliquidParameters,
  termsFor,
  tierAt,
  type HyperliquidParameters,
} from './hyperliquidTiers.js';
import type { Rulebook } from './types.js';

const ID = 'hyperliquid-perp@2026-11';
const PREFIX = ['parameters', 'rulebook'];

/** Returns a delta-one position's notional in its quote asset (USDC): size x mark, or the USD face if inverse. */
export function quoteNotional(p: ResolvedPosition, view: MarketView): number {
  const i = p.instrument;
  const contracts = Math.abs(p.quantity) * i.contractSize;
  return i.settlement === 'inverse' ? contracts : contracts * view.deltaOneMark(i);
}

function deltaOneComponent(
  p: ResolvedPosition,
  view: MarketView,
  parameters: HyperliquidParameters,
): MarginComponent {
  const i = p.instrument;
  const terms = termsFor(i.underlying, parameters, PREFIX);
  const notional = quoteNotional(p, view);
  const tier = tierAt(terms, notional);
  const leverage = Math.min(p.leverage ?? tier.maxLeverage, tier.maxLeverage);
  const toReporting = view.price(i.quote);
  const mode = p.isolatedMargin === undefined ? 'cross' : 'isolated';
  return {
    kind: 'position',
    label:
      `${p.quantity > 0 ? 'long' : 'short'} ${i.id} (${mode}): tier ${tier.tier} (max ${tier.maxLeverage}x), ` +
      `IM = notional / ${leverage}x, MM = notional x ${(tier.mmRate * 100).toFixed(4)}% - ${tier.deduction}`,
    underlying: i.underlying,
    instrument: i.id,
    im: (notional / leverage) * toReporting,
    mm: maintenanceMargin(terms, notional) * toReporting,
    detail: {
      mode,
      notional,
      tier: tier.tier,
      tierLowerBound: tier.lowerBound,
      maxLeverage: tier.maxLeverage,
      leverage,
      mmRate: tier.mmRate,
      maintenanceDeduction: tier.deduction,
    },
  };
}

/** Hyperliquid's margin: per position, tiered maintenance with deductions; options and tokens by the standard rules. */
export const hyperliquidMargin: MarginModel = (exposure, ctx, parameters) => {
  const rulebookParameters = parseHyperliquidParameters(parameters.rulebook, PREFIX);
  const components: MarginComponent[] = [];
  for (const p of exposure.positions) {
    const kind = p.instrument.kind;
    if (kind === 'perpetual' || kind === 'future')
      components.push(deltaOneComponent(p, ctx.view, rulebookParameters));
    else {
      const c = optionOrTokenComponent(p, ctx.view, parameters);
      if (c !== undefined)
        components.push({ ...c, label: `${c.label} (standard rule: no Hyperliquid rule)` });
    }
  }
  return sumComponents(ID, components);
};

/** Checks an account's parameters and that every perpetual's underlying has a margin table; throws InputError. */
export function validateHyperliquidAccount(account: ResolvedAccount): void {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const parameters = parseHyperliquidParameters(account.parameters.rulebook, prefix);
  for (const p of account.positions)
    if (p.instrument.kind === 'perpetual' || p.instrument.kind === 'future')
      termsFor(p.instrument.underlying, parameters, prefix);
}

/** Hyperliquid perpetuals, margin tiers and liquidation prices as published in the Hyperliquid docs. */
export const hyperliquidRulebook: Rulebook = {
  id: ID,
  venue: 'hyperliquid',
  title: 'Hyperliquid perpetuals: margin tiers, cross and isolated margin',
  date: '2026-11-24',
  sources: [
    'https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers',
    'https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margining',
    'https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations',
  ],
  margin: hyperliquidMargin,
  validate: validateHyperliquidAccount,
  // Spot tokens held in the account back no perpetual: they count nothing in its equity (PERP_COLLATERAL).
  haircuts: (_account, assets) =>
    Object.fromEntries(
      assets.filter((a) => a !== PERP_COLLATERAL).map((a) => [a, [{ upTo: undefined, haircut: 1 }]]),
    ),
  liquidation: hyperliquidLiquidation,
};

// dYdX v4 (dYdX Chain) perpetuals: IM = |S x P x I|, MM = |S x P x M| per position, summed over the account;
// I the market's effective initial margin fraction (its liquidity tier's base IMF scaled up with open interest,
// at least 1 / the leverage set on the position), M = base IMF x the tier's maintenance fraction; P the oracle
// price. Sources: docs.dydx.xyz/concepts/trading/margin and dydxprotocol/v4-chain
// protocol/x/perpetuals/types/liquidity_tier.go (GetInitialMarginQuoteQuantums, GetMaintenanceMarginPpm).
import type { ResolvedAccount, ResolvedPosition } from '../../core/index.js';
import type { MarketView } from '../../scenarios/index.js';
import { optionOrTokenComponent, sumComponents } from '../standard.js';
import type { MarginComponent, MarginModel } from '../types.js';
import { dydxLiquidation } from './dydxLiquidation.js';
import {
  effectiveInitialMarginFraction,
  maintenanceMarginFraction,
  marketTerms,
  parseDydxParameters,
  type DydxParameters,
} from './dydxTiers.js';
import type { Rulebook } from './types.js';

const ID = 'dydx-v4@2024-08';
const PREFIX = ['parameters', 'rulebook'];

const pct = (x: number): string => `${(x * 100).toFixed(4).replace(/\.?0+$/, '')}%`;

function deltaOneComponent(
  p: ResolvedPosition,
  view: MarketView,
  parameters: DydxParameters,
): MarginComponent {
  const i = p.instrument;
  const terms = marketTerms(i.underlying, parameters, PREFIX);
  const price = view.deltaOneMark(i);
  const size = Math.abs(p.quantity) * i.contractSize;
  // Inverse markets do not exist on dYdX; a USD face is margined as its notional all the same.
  const notional = i.settlement === 'inverse' ? size : size * price;
  const openNotional = terms.openInterest * view.price(i.underlying);
  const oimf = effectiveInitialMarginFraction(terms.tier, openNotional);
  const imf = p.leverage === undefined ? oimf : Math.max(oimf, 1 / p.leverage);
  const mmf = maintenanceMarginFraction(terms.tier);
  const toReporting = view.price(i.quote);
  return {
    kind: 'position',
    label:
      `${p.quantity > 0 ? 'long' : 'short'} ${i.id}: ${terms.tierName} tier, IMF ${pct(imf)} ` +
      `(base ${pct(terms.tier.initialMarginFraction)}), MMF ${pct(mmf)}`,
    underlying: i.underlying,
    instrument: i.id,
    im: notional * imf * toReporting,
    mm: notional * mmf * toReporting,
    detail: {
      liquidityTier: terms.tierName,
      notional,
      oraclePrice: price,
      baseImf: terms.tier.initialMarginFraction,
      openNotional,
      openInterestImf: oimf,
      imf,
      mmf,
      ...(p.leverage === undefined ? {} : { leverage: p.leverage }),
    },
  };
}

/** dYdX's margin: each position's size x oracle price x fraction of its market's liquidity tier. */
export const dydxMargin: MarginModel = (exposure, ctx, parameters) => {
  const rulebookParameters = parseDydxParameters(parameters.rulebook, PREFIX);
  const components: MarginComponent[] = [];
  for (const p of exposure.positions) {
    const kind = p.instrument.kind;
    if (kind === 'perpetual' || kind === 'future')
      components.push(deltaOneComponent(p, ctx.view, rulebookParameters));
    else {
      const c = optionOrTokenComponent(p, ctx.view, parameters);
      if (c !== undefined) components.push({ ...c, label: `${c.label} (standard rule: no dYdX rule)` });
    }
  }
  return sumComponents(ID, components);
};

/** Checks an account's parameters and that every perpetual's market has a liquidity tier; throws InputError. */
export function validateDydxAccount(account: ResolvedAccount): void {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const parameters = parseDydxParameters(account.parameters.rulebook, prefix);
  for (const p of account.positions)
    if (p.instrument.kind === 'perpetual' || p.instrument.kind === 'future')
      marketTerms(p.instrument.underlying, parameters, prefix);
}

/** dYdX v4 perpetuals with liquidity tiers, open-interest-scaled IMF and the documented liquidation prices. */
export const dydxRulebook: Rulebook = {
  id: ID,
  venue: 'dydx',
  title: 'dYdX v4 perpetuals: liquidity tiers, open-interest IMF, cross and isolated liquidation',
  date: '2024-08',
  sources: [
    'https://docs.dydx.xyz/concepts/trading/margin',
    'https://docs.dydx.xyz/concepts/trading/liquidations',
    'https://help.dydx.trade/en/articles/228341-open-interest-initial-margin-fraction',
    'https://github.com/dydxprotocol/v4-chain/blob/main/protocol/x/perpetuals/types/liquidity_tier.go',
    'https://github.com/dydxprotocol/v4-chain/blob/main/protocol/app/upgrades/v5.0.0/upgrade.go',
    'https://dydx.forum/t/liquidity-tier-maintenance/2939',
  ],
  margin: dydxMargin,
  validate: validateDydxAccount,
  liquidation: dydxLiquidation,
};

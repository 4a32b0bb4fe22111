// OKX perpetual swaps and futures in multi-currency margin mode: per position, IM = position value x max(min IMR
// of its tier, 1 / leverage), MM = position value x MMR of its tier, and the margin ratio's denominator adds the
// taker fee of closing (position value x taker fee rate), kept here as its own MM component so that equity = MM
// is OKX's margin ratio of 100%. Position value: contracts x contract value x mark (USDT/USDC-margined) or
// contracts x face value in USD (coin-margined).
// Sources: https://www.okx.com/help/iv-multi-currency-margin-mode-cross-margin-trading, https://www.okx.com/help/tier
import type { ResolvedAccount } from '../../core/index.js';
import { InputError } from '../../core/index.js';
import { loanComponents } from '../loans.js';
import { deltaOneNotional, optionOrTokenComponent, sumComponents } from '../standard.js';
import type { MarginComponent, MarginModel } from '../types.js';
import { okxLiquidation } from './okxLiquidation.js';
import { discountTiersFor, okxHaircuts } from './okxCollateral.js';
import { parseOkxParameters, positionTerms, type PositionTerms } from './okxTiers.js';
import type { Rulebook } from './types.js';
import type { MarketView } from '../../scenarios/index.js';

const ID = 'okx-swap@2024-10';
const PREFIX = ['parameters', 'rulebook'];

const pct = (x: number): string => `${(x * 100).toFixed(4).replace(/\.?0+$/, '')}%`;

function components(t: PositionTerms, view: MarketView, feeRate: number): MarginComponent[] {
  const p = t.position;
  const i = p.instrument;
  const { notional, toReporting } = deltaOneNotional(p, view);
  const value = notional * toReporting;
  const leverage = p.leverage === undefined ? 1 / t.tier.imr : Math.min(p.leverage, 1 / t.tier.imr);
  const mode = p.isolatedMargin === undefined ? 'cross' : 'isolated';
  const side = p.quantity > 0 ? 'long' : 'short';
  const common = { kind: 'position' as const, underlying: i.underlying, instrument: i.id };
  return [
    {
      ...common,
      label: `${side} ${i.id} (${mode}): tier ${t.tier.tier}, MMR ${pct(t.tier.mmr)}, IM at ${leverage.toFixed(2)}x`,
      im: value / leverage,
      mm: value * t.tier.mmr,
      detail: {
        mode,
        contracts: Math.abs(p.quantity),
        tierContracts: t.tierContracts,
        tier: t.tier.tier,
        tierMaxContracts: t.tier.maxContracts,
        mmr: t.tier.mmr,
        minImr: t.tier.imr,
        leverage,
        positionValue: value,
      },
    },
    {
      ...common,
      label: `${side} ${i.id}: liquidation fee (taker ${pct(feeRate)} of position value)`,
      im: 0,
      mm: value * feeRate,
      detail: { takerFeeRate: feeRate, positionValue: value },
    },
  ];
}

/** OKX's margin: tiered MMR and minimum IMR per position, plus the closing fee in the maintenance requirement. */
export const okxMargin: MarginModel = (exposure, ctx, parameters) => {
  const rulebookParameters = parseOkxParameters(parameters.rulebook, PREFIX);
  const out: MarginComponent[] = [];
  for (const t of positionTerms(exposure.positions, rulebookParameters, PREFIX))
    out.push(...components(t, ctx.view, rulebookParameters.takerFeeRate));
  for (const p of exposure.positions) {
    if (p.instrument.kind === 'perpetual' || p.instrument.kind === 'future') continue;
    const c = optionOrTokenComponent(p, ctx.view, parameters);
    if (c !== undefined) out.push({ ...c, label: `${c.label} (standard rule: no OKX options rule here)` });
  }
  for (const c of loanComponents(exposure, ctx.view, parameters))
    out.push({ ...c, label: `${c.label} (generic loan add-on: OKX borrowing tiers not modelled)` });
  return sumComponents(ID, out);
};

/** Checks parameters, that every swap has position tiers and every asset held a discount table; throws InputError. */
export function validateOkxAccount(account: ResolvedAccount): void {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const parameters = parseOkxParameters(account.parameters.rulebook, prefix);
  positionTerms(account.positions, parameters, prefix);
  const stable = account.parameters.collateral.stable;
  const missing = account.balances.filter(
    (b) => b.amount > 0 && discountTiersFor(b.asset, parameters, stable) === undefined,
  );
  if (missing.length > 0)
    throw new InputError(
      missing.map((b) => ({
        path: [...prefix, 'discountRates', b.asset].join('.'),
        message: `no OKX discount-rate tiers for ${b.asset}`,
        hint: 'give [{ upTo, rate }] from GET /api/v5/public/discount-rate-interest-free-quota',
      })),
    );
}

/** OKX perpetual swaps and futures: position tiers, multi-currency discount rates and liquidation prices. */
export const okxRulebook: Rulebook = {
  id: ID,
  venue: 'okx',
  title: 'OKX perpetual swaps and futures, multi-currency margin: position tiers and discount rates',
  date: '2024-10-25',
  sources: [
    'https://www.okx.com/help/iv-multi-currency-margin-mode-cross-margin-trading',
    'https://www.okx.com/help/tier',
    'https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers',
    'https://www.okx.com/docs-v5/en/#public-data-rest-api-get-discount-rate-and-interest-free-quota',
    'https://www.einpresswire.com/article/651488898/flash-news-okx-to-adjust-position-tiers-for-perpetual-swaps-and-futures',
  ],
  margin: okxMargin,
  validate: validateOkxAccount,
  haircuts: okxHaircuts,
  liquidation: okxLiquidation,
};

// Deribit futures and perpetuals (inverse BTC/ETH contracts and linear USDC ones) under Deribit's standard
// margin: per position, IM = |size| x (IM base + size x increment), MM likewise, in the margin currency. Options
// are margined by the Deribit options rulebook; here they fall back to the standard short-option rule.
import type { ResolvedAccount } from '../../core/index.js';
import { optionOrTokenComponent, sumComponents } from '../standard.js';
import type { MarginComponent, MarginModel } from '../types.js';
import { deribitFuturesLiquidation } from './deribitFuturesLiquidation.js';
import { deribitLeg, legMargin, parseDeribitFuturesParameters, ratesFor } from './deribitFuturesRates.js';
import type { Rulebook } from './types.js';

const ID = 'deribit-futures@2026-11';
const PREFIX = ['parameters', 'rulebook'];

const pct = (x: number): string => `${(x * 100).toFixed(5).replace(/\.?0+$/, '')}%`;

/** Deribit's standard margin for futures and perpetuals, per position with size-scaled rates. */
export const deribitFuturesMargin: MarginModel = (exposure, ctx, parameters) => {
  const rulebookParameters = parseDeribitFuturesParameters(parameters.rulebook, PREFIX);
  const view = ctx.view;
  const components: MarginComponent[] = [];
  for (const p of exposure.positions) {
    const i = p.instrument;
    if (i.kind !== 'perpetual' && i.kind !== 'future') {
      const c = optionOrTokenComponent(p, view, parameters);
      if (c !== undefined)
        components.push({ ...c, label: `${c.label} (standard rule: see the Deribit options rulebook)` });
      continue;
    }
    const leg = deribitLeg(p, view, ratesFor(i.underlying, rulebookParameters, PREFIX));
    const m = legMargin(leg);
    const toReporting = view.price(leg.currency);
    const size = Math.abs(leg.size);
    components.push({
      kind: 'position',
      label:
        `${p.quantity > 0 ? 'long' : 'short'} ${i.id}: ${size} ${i.underlying}, IM ${pct(m.imRate)} = ` +
        `${pct(leg.rates.im.base)} + size x ${pct(leg.rates.im.perUnit)}, MM ${pct(m.mmRate)}`,
      underlying: i.underlying,
      instrument: i.id,
      im: m.im * toReporting,
      mm: m.mm * toReporting,
      detail: {
        sizeInUnderlying: size,
        marginCurrency: leg.currency,
        imRate: m.imRate,
        mmRate: m.mmRate,
        imInCurrency: m.im,
        mmInCurrency: m.mm,
      },
    });
  }
  return sumComponents(ID, components);
};

/** Checks an account's parameters and that every future's underlying has rates; throws InputError. */
export function validateDeribitFuturesAccount(account: ResolvedAccount): void {
  const prefix = ['accounts', account.id, 'parameters', 'rulebook'];
  const parameters = parseDeribitFuturesParameters(account.parameters.rulebook, prefix);
  for (const p of account.positions)
    if (p.instrument.kind === 'perpetual' || p.instrument.kind === 'future')
      ratesFor(p.instrument.underlying, parameters, prefix);
}

/** Deribit futures and perpetuals under standard margin, with liquidation prices per margin currency. */
export const deribitFuturesRulebook: Rulebook = {
  id: ID,
  venue: 'deribit',
  title: 'Deribit futures and perpetuals (inverse and linear USDC), standard margin',
  date: '2026-11-24',
  sources: [
    'https://support.deribit.com/hc/en-us/articles/25944738177565-Linear-Perpetual',
    'https://www.deribit.com/pages/docs/futures',
    'https://www.deribit.com/pages/docs/perpetual',
  ],
  margin: deribitFuturesMargin,
  validate: validateDeribitFuturesAccount,
  liquidation: deribitFuturesLiquidation,
};

import type { OptionInstrument, ShortOptionRule } from '../core/index.js';
import { optionPremium, type MarketView } from '../scenarios/index.js';

/**
 * Returns the requirement of one short option unit under the rule max(a - OTM/F, b) * F + mark, in the
 * reporting currency (for inverse options: max(a - OTM/F, b) + mark in coin, times the coin price).
 * F is the option's forward; OTM is how far out of the money the strike is, in quote.
 */
export function shortOptionRequirement(
  option: OptionInstrument,
  rule: ShortOptionRule,
  view: MarketView,
): number {
  const forward = view.forward(option);
  const otm =
    option.optionType === 'call'
      ? Math.max(0, option.strike - forward)
      : Math.max(0, forward - option.strike);
  const rate = Math.max(rule.a - otm / forward, rule.b);
  const premium = optionPremium(option, view);
  if (option.settlement === 'inverse')
    return option.contractSize * (rate + premium) * view.price(option.underlying);
  return option.contractSize * (rate * forward + premium) * view.price(option.quote);
}

// Coin-settled ("inverse") options as listed by Deribit: one contract is on one coin, the payoff
// max(ω(S − K), 0) is paid in coin at the settlement price, and premiums are quoted in coin. Following
// Deribit's convention the quote-currency Black-76 premium V is converted to coin at the forward of the
// expiry (the option's underlying future), U = V/F, and the greeks below are those of U.
import {
  black76Greeks,
  black76Price,
  requireFiniteGreeks,
  type Black76Greeks,
  type Black76Input,
} from './black76.js';
import { requireFiniteResult } from './validate.js';

/** Returns the premium of a coin-settled option in coin (base currency) per unit of underlying: V/F. */
export function inverseOptionPrice(input: Black76Input): number {
  return requireFiniteResult('inverseOptionPrice', black76Price(input) / input.forward, input);
}

/**
 * Returns price and greeks of the coin premium U = V/F (price, vega and theta in coin; delta in coin per
 * quote-currency unit of F; gamma in coin per (quote unit)²). They follow from the Black-76 greeks of V by
 * the quotient rule, with vol, T and rate not depending on F:
 *   ∂U/∂F   = V'/F − V/F²                      = (delta − U)/F
 *   ∂²U/∂F² = V''/F − 2V'/F² + 2V/F³           = (gamma − 2·∂U/∂F)/F
 *   ∂U/∂vol = vega/F,   ∂U/∂t = theta/F  (F is held fixed for both).
 * Being exact identities they hold at expiry too, where delta is the Black-76 step delta.
 */
export function inverseOptionGreeks(input: Black76Input): Black76Greeks {
  const linear = black76Greeks(input);
  const forward = input.forward;
  const price = linear.price / forward;
  const delta = (linear.delta - price) / forward;
  const greeks: Black76Greeks = {
    price,
    delta,
    gamma: (linear.gamma - 2 * delta) / forward,
    vega: linear.vega / forward,
    theta: linear.theta / forward,
  };
  return requireFiniteGreeks('inverseOptionGreeks', greeks, input);
}

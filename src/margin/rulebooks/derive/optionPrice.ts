// Option values as Derive's Black-76 gives them (lyra-utils Black76.sol): the project's Black-76 plus
// Derive's edge rules for a zero strike or forward and for a total vol so large the call is worth the forward.
import { black76Price, discountFactor } from '../../../pricing/index.js';
import { annualise } from './time.js';

/** Total vol σ√T at and above which Derive prices a call at the discounted forward. */
export const MAX_TOTAL_VOL = 24;

/** Returns the value of one option (cash per unit of underlying) under Derive's Black-76. */
export function deriveOptionPrice(
  forward: number,
  strike: number,
  vol: number,
  secToExpiry: number,
  rate: number,
  isCall: boolean,
): number {
  const t = annualise(secToExpiry);
  const df = discountFactor(rate, t);
  if (strike <= 0) return isCall ? forward * df : 0;
  if (forward <= 0) return isCall ? 0 : strike * df;
  // Past this total vol N(d1) = 1 and K/F·N(d2) = 0 to 18 decimals; Derive skips the formula.
  if (vol * Math.sqrt(t) >= MAX_TOTAL_VOL) return isCall ? forward * df : strike * df;
  return black76Price({
    forward,
    strike,
    vol,
    timeToExpiry: t,
    rate,
    optionType: isCall ? 'call' : 'put',
  });
}

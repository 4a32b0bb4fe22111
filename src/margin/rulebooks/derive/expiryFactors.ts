// Per-expiry factors computed once: the term-scaled vol shocks and the static discounts of option values.
import { annualise, THIRTY_DAYS } from './time.js';
import type { DeriveMarginParameters, DeriveVolShockParameters } from './types.js';

/** Returns the vol multipliers of the up and down shocks for an expiry (the down one floored at 0). */
export function volShockMultipliers(
  secToExpiry: number,
  params: DeriveVolShockParameters,
): { up: number; down: number } {
  const floored = Math.max(secToExpiry, params.dteFloorSeconds);
  if (!(floored > 0)) throw new RangeError('vol shock: time to expiry and dteFloor are both 0');
  // Short expiries get the steeper power, so their vols move more per unit of the 30-day ratio.
  const power = secToExpiry <= THIRTY_DAYS ? params.shortTermPower : params.longTermPower;
  const scale = Math.pow(THIRTY_DAYS / floored, power);
  return {
    up: 1 + params.volRangeUp * scale,
    down: Math.max(0, 1 - params.volRangeDown * scale),
  };
}

/**
 * Returns the static discounts of an expiry's value: `pos` multiplies a positive value (longs lose their
 * time value faster), `neg` a negative one (shorts are marked up, but never beyond undoing the discounting).
 */
export function staticDiscounts(
  secToExpiry: number,
  rate: number,
  discount: number,
  params: DeriveMarginParameters,
): { pos: number; neg: number } {
  const tau = annualise(secToExpiry);
  const shockRatePos = rate * params.longRateMultScale + params.longRateAddScale;
  const pos = params.longBaseStaticDiscount * Math.exp(-tau * shockRatePos);
  const shockRateNeg = rate * params.shortRateMultScale + params.shortRateAddScale;
  const neg = params.shortBaseStaticDiscount / Math.exp(-tau * shockRateNeg);
  return { pos, neg: Math.min(1 / discount, neg) };
}

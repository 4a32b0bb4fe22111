// Time and carry conventions: ACT/365 year fractions and the covered-interest forward.
import { describe, requireFinite, requireNonNegative, requirePositive } from './validate.js';

const MS_PER_YEAR = 365 * 24 * 60 * 60 * 1000;

/**
 * Returns the ACT/365 year fraction from `fromMs` to `toMs` (epoch milliseconds), in years. The result is
 * signed: a `toMs` in the past gives a negative value rather than a silent 0, so callers decide whether an
 * expired instrument is an error or should be priced at expiry (pricing functions reject negative times).
 */
export function yearFraction(fromMs: number, toMs: number): number {
  requireFinite('fromMs', fromMs);
  requireFinite('toMs', toMs);
  return (toMs - fromMs) / MS_PER_YEAR;
}

/**
 * Returns the forward price spot·exp((quoteRate − baseRate)·T) in quote currency per unit of base, with
 * continuously compounded rates of the quote (e.g. USD) and base (e.g. BTC) currencies.
 */
export function forwardPrice(
  spot: number,
  timeToExpiry: number,
  quoteRate: number,
  baseRate: number,
): number {
  requirePositive('spot', spot);
  requireNonNegative('timeToExpiry', timeToExpiry);
  requireFinite('quoteRate', quoteRate);
  requireFinite('baseRate', baseRate);
  const forward = spot * Math.exp((quoteRate - baseRate) * timeToExpiry);
  if (!Number.isFinite(forward) || forward <= 0) {
    throw new RangeError(
      `forwardPrice is not representable (got ${forward}) for ${describe({ spot, timeToExpiry, quoteRate, baseRate })}`,
    );
  }
  return forward;
}

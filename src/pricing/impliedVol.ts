// Implied Black-76 vol from a premium. The premium is first reduced, by put-call parity, to the undiscounted
// price of the out-of-the-money option of the same strike: that value is small but carries all the vol
// information, whereas an in-the-money premium is dominated by intrinsic value. A Newton iteration on the
// log of that value (near-linear in vol for OTM options, whose price is roughly exp(−c/vol²)) is then
// safeguarded by bisection inside a bracket, so it converges for every price within the bracket.
import { discountFactor, payoffSign, undiscountedBlack, type OptionType } from './black76.js';
import { normalPdf } from './normal.js';
import { describe, requireFinite, requireOptionType, requirePositive } from './validate.js';

export interface ImpliedVolArgs {
  /** Premium: quote currency per unit, or coin per unit when `inverse` is true. */
  price: number;
  forward: number;
  strike: number;
  /** Years (ACT/365); must be > 0, at expiry a premium carries no vol information. */
  timeToExpiry: number;
  rate: number;
  optionType: OptionType;
  /** True for coin-settled (Deribit-style) options whose premium is the Black-76 premium / forward. */
  inverse?: boolean;
}

/** Lowest vol the solver searches (per year, as a fraction). */
export const IMPLIED_VOL_MIN = 1e-6;
/** Highest vol the solver searches (2000 %). */
export const IMPLIED_VOL_MAX = 20;
/** Relative error on the (out-of-the-money equivalent) price at which the solver stops. */
export const IMPLIED_VOL_PRICE_REL_TOL = 1e-12;
const MAX_ITERATIONS = 200;

/** Returns the Black-76 implied vol (annualised, as a fraction) reproducing `price`. */
export function impliedVol(args: ImpliedVolArgs): number {
  const { price, forward, strike, timeToExpiry, rate, optionType } = validateArgs(args);
  const unitScale = args.inverse === true ? forward : 1;
  const df = discountFactor(rate, timeToExpiry);
  const omega = payoffSign(optionType);
  const intrinsic = Math.max(omega * (forward - strike), 0);
  const lower = df * intrinsic;
  const upper = df * (optionType === 'call' ? forward : strike);
  const linearPrice = price * unitScale;
  // Parity turns the premium into the undiscounted price of the OTM option with the same strike.
  const target = linearPrice / df - intrinsic;
  if (!(linearPrice > lower && linearPrice < upper && target > 0)) {
    const unit = args.inverse === true ? 'coin' : 'quote currency';
    throw new RangeError(
      `price must lie strictly between the no-arbitrage bounds ${lower / unitScale} (discounted intrinsic) ` +
        `and ${upper / unitScale} (discounted ${optionType === 'call' ? 'forward' : 'strike'}), in ` +
        `${unit} per unit, got ${price} for ${describe(args)}`,
    );
  }
  const otmType: OptionType = forward <= strike ? 'call' : 'put';
  return solveVol({ forward, strike, timeToExpiry, otmType, target }, args);
}

function validateArgs(args: ImpliedVolArgs): ImpliedVolArgs {
  requireFinite('price', args.price);
  requirePositive('forward', args.forward);
  requirePositive('strike', args.strike);
  requirePositive('timeToExpiry', args.timeToExpiry);
  requireFinite('rate', args.rate);
  requireOptionType('optionType', args.optionType);
  return args;
}

interface OtmProblem {
  forward: number;
  strike: number;
  timeToExpiry: number;
  otmType: OptionType;
  /** Undiscounted OTM price to reproduce, quote currency per unit; > 0. */
  target: number;
}

/** Returns the OTM undiscounted price (quote currency per unit) and its vega at `vol`. */
function evaluate(p: OtmProblem, vol: number): { value: number; vega: number } {
  const sqrtT = Math.sqrt(p.timeToExpiry);
  const s = vol * sqrtT;
  const value = undiscountedBlack(p.forward, p.strike, s, p.otmType);
  const d1 = (Math.log(p.forward) - Math.log(p.strike)) / s + s / 2;
  return { value, vega: p.forward * normalPdf(d1) * sqrtT };
}

/** Returns the vol in [IMPLIED_VOL_MIN, IMPLIED_VOL_MAX] at which the OTM price equals the target. */
function solveVol(p: OtmProblem, args: ImpliedVolArgs): number {
  let lo = IMPLIED_VOL_MIN;
  let hi = IMPLIED_VOL_MAX;
  if (evaluate(p, lo).value > p.target) throw outOfBracket('below', IMPLIED_VOL_MIN, args);
  if (evaluate(p, hi).value < p.target) throw outOfBracket('above', IMPLIED_VOL_MAX, args);
  let vol = initialGuess(p, lo, hi);
  let previousStep = hi - lo;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const { value, vega } = evaluate(p, vol);
    if (Math.abs(value - p.target) <= IMPLIED_VOL_PRICE_REL_TOL * p.target) return vol;
    if (value < p.target) lo = vol;
    else hi = vol;
    // Residual in log space: ln(value/target), slope vega/value. An underflowed value is just "too low".
    const residual = value > 0 ? Math.log(value / p.target) : -Infinity;
    const newton = value > 0 && vega > 0 ? vol - (residual * value) / vega : Number.NaN;
    const step = newton - vol;
    const useNewton = newton > lo && newton < hi && Math.abs(step) <= 0.5 * Math.abs(previousStep);
    const next = useNewton ? newton : midpoint(lo, hi);
    previousStep = next - vol;
    // The bracket (or the step) is down to rounding: no float vol reproduces the target more closely.
    if (Math.abs(previousStep) <= 4 * Number.EPSILON * next || hi - lo <= 4 * Number.EPSILON * hi) {
      return next;
    }
    vol = next;
  }
  return vol;
}

/** Returns a starting vol: the inflection point of price in vol (√(2|ln F/K|/T)), or an ATM estimate. */
function initialGuess(p: OtmProblem, lo: number, hi: number): number {
  const logMoneyness = Math.abs(Math.log(p.forward) - Math.log(p.strike));
  // At the money price ≈ F·vol·√T/√(2π) (Brenner–Subrahmanyam), inverted here.
  const guess =
    logMoneyness > 0
      ? Math.sqrt((2 * logMoneyness) / p.timeToExpiry)
      : (Math.sqrt((2 * Math.PI) / p.timeToExpiry) * p.target) / p.forward;
  return Math.min(Math.max(guess, lo), hi);
}

/** Returns the bisection point: geometric while the bracket spans orders of magnitude, else arithmetic. */
function midpoint(lo: number, hi: number): number {
  return hi > 4 * lo ? Math.sqrt(lo * hi) : lo + (hi - lo) / 2;
}

function outOfBracket(side: 'below' | 'above', bound: number, args: ImpliedVolArgs): RangeError {
  return new RangeError(
    `price implies a vol ${side} the solver range bound ${bound} (searched ${IMPLIED_VOL_MIN}..` +
      `${IMPLIED_VOL_MAX}), got price ${args.price} for ${describe(args)}`,
  );
}

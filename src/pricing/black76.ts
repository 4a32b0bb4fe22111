// Black (1976) model for European options on a forward or future F, discounted at a continuously
// compounded rate: V = df·[ω·F·Φ(ω·d1) − ω·K·Φ(ω·d2)], ω = +1 for calls and −1 for puts,
// df = exp(−rate·T), d1,2 = ln(F/K)/s ± s/2 and s = vol·√T (total standard deviation).
import { normalCdf, normalPdf } from './normal.js';
import {
  requireFinite,
  requireFiniteResult,
  requireNonNegative,
  requireOptionType,
  requirePositive,
} from './validate.js';

export type OptionType = 'call' | 'put';

export interface Black76Input {
  /** Forward (or futures) price of the underlying, quote currency per unit; > 0. */
  forward: number;
  /** Strike, quote currency per unit; > 0. */
  strike: number;
  /** Annualised lognormal volatility (0.6 = 60 %); >= 0. */
  vol: number;
  /** Time to expiry in years (ACT/365); >= 0. */
  timeToExpiry: number;
  /** Continuously compounded discount rate per year; the discount factor is exp(−rate·timeToExpiry). */
  rate: number;
  optionType: OptionType;
}

export interface Black76Greeks {
  /** Premium, same unit as the price function that produced it. */
  price: number;
  /** ∂price/∂forward. */
  delta: number;
  /** ∂²price/∂forward². */
  gamma: number;
  /** ∂price/∂vol, per 1.00 (100 vol points) of vol. */
  vega: number;
  /** ∂price/∂t = −∂price/∂timeToExpiry with forward and rate held fixed, per year. */
  theta: number;
}

/** Returns the input unchanged after checking every field; throws a RangeError naming the first bad one. */
export function validateBlack76Input(input: Black76Input): Black76Input {
  requirePositive('forward', input.forward);
  requirePositive('strike', input.strike);
  requireNonNegative('vol', input.vol);
  requireNonNegative('timeToExpiry', input.timeToExpiry);
  requireFinite('rate', input.rate);
  requireOptionType('optionType', input.optionType);
  return input;
}

/** Returns +1 for a call and −1 for a put (the payoff sign ω). */
export function payoffSign(optionType: OptionType): 1 | -1 {
  return optionType === 'call' ? 1 : -1;
}

/** Returns the discount factor exp(−rate·timeToExpiry) (dimensionless). */
export function discountFactor(rate: number, timeToExpiry: number): number {
  // At expiry the factor is exactly 1 whatever the rate (avoids 0·Infinity paths upstream).
  return timeToExpiry === 0 ? 1 : Math.exp(-rate * timeToExpiry);
}

/** Returns the total standard deviation s = vol·√timeToExpiry (dimensionless; 0 means no optionality). */
export function totalStdDev(vol: number, timeToExpiry: number): number {
  return vol * Math.sqrt(timeToExpiry);
}

/** Returns [d1, d2] for s > 0, computed without forming vol²·T (which can overflow when s does not). */
function dTerms(forward: number, strike: number, s: number): [number, number] {
  // log(F) − log(K) instead of log(F/K): the ratio itself can overflow or underflow for extreme inputs.
  const m = (Math.log(forward) - Math.log(strike)) / s;
  return [m + s / 2, m - s / 2];
}

/**
 * Returns the undiscounted Black price E[payoff] in quote currency per unit, given s = vol·√T.
 * The out-of-the-money side is evaluated from the formula (both terms are small, so no large cancellation)
 * and the in-the-money side by parity, so deep ITM prices equal intrinsic plus a clean time value and are
 * never below intrinsic; rounding cannot produce negative prices because the OTM value is floored at 0.
 */
export function undiscountedBlack(
  forward: number,
  strike: number,
  s: number,
  optionType: OptionType,
): number {
  const omega = payoffSign(optionType);
  if (s === 0) return Math.max(omega * (forward - strike), 0);
  const [d1, d2] = dTerms(forward, strike, s);
  const callIsOtm = forward <= strike;
  const otm = callIsOtm
    ? forward * normalCdf(d1) - strike * normalCdf(d2)
    : strike * normalCdf(-d2) - forward * normalCdf(-d1);
  const otmValue = Math.max(otm, 0);
  const requestedIsOtm = callIsOtm === (optionType === 'call');
  return requestedIsOtm ? otmValue : otmValue + omega * (forward - strike);
}

/**
 * Returns the Black-76 premium in quote currency per unit of underlying. At timeToExpiry = 0 or vol = 0
 * it is the discounted intrinsic value df·max(ω(F − K), 0).
 */
export function black76Price(input: Black76Input): number {
  const { forward, strike, vol, timeToExpiry, rate, optionType } = validateBlack76Input(input);
  const df = discountFactor(rate, timeToExpiry);
  const s = totalStdDev(vol, timeToExpiry);
  return requireFiniteResult('black76Price', df * undiscountedBlack(forward, strike, s, optionType), input);
}

/**
 * Returns price and greeks of a Black-76 option (price in quote currency per unit; see Black76Greeks).
 * With no optionality left (timeToExpiry = 0 or vol = 0) the payoff is a step in F: delta is df·ω when in
 * the money, 0 when out of it and exactly 0.5·df·ω at the money (the average of the one-sided
 * derivatives); gamma = vega = 0; theta = rate·price, the carry of the discounted intrinsic value.
 */
export function black76Greeks(input: Black76Input): Black76Greeks {
  validateBlack76Input(input);
  const df = discountFactor(input.rate, input.timeToExpiry);
  const s = totalStdDev(input.vol, input.timeToExpiry);
  const price = df * undiscountedBlack(input.forward, input.strike, s, input.optionType);
  const greeks = s === 0 ? expiredGreeks(input, df, price) : liveGreeks(input, df, s, price);
  return requireFiniteGreeks('black76Greeks', greeks, input);
}

/** Returns the greeks for s = vol·√T > 0 from the closed-form derivatives of the Black formula. */
function liveGreeks(input: Black76Input, df: number, s: number, price: number): Black76Greeks {
  const { forward, strike, vol, timeToExpiry, rate, optionType } = input;
  const omega = payoffSign(optionType);
  const [d1] = dTerms(forward, strike, s);
  const pdf = normalPdf(d1);
  const sqrtT = Math.sqrt(timeToExpiry);
  // ∂Black/∂T = F·φ(d1)·vol/(2√T); skipped when φ(d1) underflows so 0·(huge vol/√T) cannot make NaN.
  const decay = pdf === 0 ? 0 : df * forward * pdf * (vol / (2 * sqrtT));
  return {
    price,
    delta: omega * df * normalCdf(omega * d1),
    gamma: pdf === 0 ? 0 : (df * pdf) / (forward * s),
    vega: df * forward * pdf * sqrtT,
    theta: rate * price - decay,
  };
}

/** Returns the greeks when s = 0: step delta (0.5·df at the money), no gamma or vega, theta = rate·price. */
function expiredGreeks(input: Black76Input, df: number, price: number): Black76Greeks {
  const omega = payoffSign(input.optionType);
  const moneyness = omega * (input.forward - input.strike);
  const step = moneyness > 0 ? 1 : moneyness === 0 ? 0.5 : 0;
  return { price, delta: omega * df * step, gamma: 0, vega: 0, theta: input.rate * price };
}

const GREEK_NAMES = ['price', 'delta', 'gamma', 'vega', 'theta'] as const;

/**
 * Returns `greeks` with −0 turned into 0 (e.g. the delta of a worthless put) after checking every value is
 * finite; throws a RangeError naming the greek that overflowed otherwise.
 */
export function requireFiniteGreeks(what: string, greeks: Black76Greeks, inputs: object): Black76Greeks {
  const out = { ...greeks };
  for (const name of GREEK_NAMES)
    out[name] = requireFiniteResult(`${what} ${name}`, greeks[name], inputs) + 0;
  return out;
}

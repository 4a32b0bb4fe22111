// The range of every kind of number that enters a computation, and the one check of a number against it. A
// number outside its range is refused at its field path before any model runs: inside the ranges every product
// the models form (quantity x contract size x price, 1 / price for inverse contracts, exp(rate x years)) stays
// far inside float64, so a report never shows NaN or Infinity. The library, the CLI and the service use these
// same constants; docs/book.schema.json states them per field.
import type { z } from 'zod';
import { InputError, type InputIssue } from './errors.js';

/** An interval of accepted values, what they measure and why (the reason is the error's hint). */
export interface Bound {
  min: number;
  max: number;
  /** The value may not equal min (or max). */
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  /** A non-zero value must be at least this large in magnitude (signed quantities and amounts). */
  minMagnitude?: number;
  /** What the number is, with its unit, for messages and the schema. */
  what: string;
  /** Why these limits. */
  reason: string;
}

const SUPPLY =
  'above every token supply (PEPE, SHIB: under 1e15 units) and below 2^53, where float64 stops counting units';

/** The accepted range of each kind of number. */
export const BOUNDS = {
  quantity: {
    min: -1e15,
    max: 1e15,
    what: 'signed quantity of contracts or units',
    reason: SUPPLY,
  },
  tradeQuantity: {
    min: -1e15,
    max: 1e15,
    minMagnitude: 1e-18,
    what: 'signed quantity of a what-if trade',
    reason:
      'a trade is a fill in exact decimals, which hold no unit finer than 1e-18 (wei, the smallest of any chain); ' +
      'at most 1e15 as every quantity',
  },
  amount: {
    min: -1e15,
    max: 1e15,
    what: 'signed amount of an asset',
    reason: SUPPLY,
  },
  price: {
    min: 1e-12,
    max: 1e12,
    what: 'price (index, mark, entry, strike, forward, close, NAV or option premium)',
    reason:
      'the cheapest listed tokens trade near 1e-10 USD, BTC near 1e9 in the weakest fiat currencies; ' +
      'within these a price, its inverse and its products with quantities stay well inside float64',
  },
  contractSize: {
    min: 1e-9,
    max: 1e9,
    what: 'contract size (underlying units; quote units for inverse perpetuals and futures)',
    reason: 'listed contract sizes run from 0.0001 BTC to 1,000,000 units of a meme token',
  },
  leverage: {
    min: 1,
    max: 1000,
    what: 'leverage (position notional / margin)',
    reason: 'venues offer 1x to 125x, a few up to 1000x',
  },
  multiplier: {
    min: 1,
    max: 100,
    what: 'multiplier of IM over MM',
    reason: 'IM is never below MM; venues use 1.2 to 2',
  },
  volatility: {
    min: 1e-4,
    max: 10,
    what: 'annualised volatility as a fraction (0.8 = 80%)',
    reason: 'crypto implied vols run from about 0.2 to 5; below 0.01% Black-76 has no usable vega',
  },
  rate: {
    min: -10,
    max: 10,
    what: 'continuously compounded annual rate (0.05 = 5%)',
    reason:
      'crypto borrow rates have spiked to a few hundred percent a year; exp(10 x 30 years) is still finite',
  },
  fundingRate: {
    min: -1,
    max: 1,
    what: 'funding rate per funding interval (0.0001 = 0.01%)',
    reason: 'venues cap funding at a few percent per interval; 100% would consume the position',
  },
  slope: {
    min: 0,
    max: 1,
    what: 'margin rate added per unit of underlying held',
    reason: "Deribit's size-scaled rates add about 0.5% per 100 BTC",
  },
  hours: {
    min: 0,
    max: 8760,
    exclusiveMin: true,
    what: 'hours',
    reason: 'a bar or rebalance period from minutes to one year',
  },
  days: {
    min: 0,
    max: 3650,
    exclusiveMin: true,
    what: 'days',
    reason: 'a margin period or reference tenor from hours to ten years',
  },
  standardDeviations: {
    min: 0,
    max: 10,
    exclusiveMin: true,
    what: 'standard deviations covered',
    reason: '2.33 covers 99% one-sided, 3.09 covers 99.9%; 10 is far beyond any margin confidence',
  },
  scanRange: {
    min: 0,
    max: 1,
    exclusiveMin: true,
    exclusiveMax: true,
    what: 'price scan range as a fraction of the price (0.15 = ±15%)',
    reason: 'a move of 100% or more would take a price to zero or below',
  },
  extremeMultiple: {
    min: 0,
    max: 100,
    exclusiveMin: true,
    what: 'extreme move as a multiple of the scan range',
    reason: 'the extreme move must stay under 100% of the price (checked against the range too)',
  },
  volatilityShock: {
    min: 0,
    max: 10,
    what: 'relative volatility shock (0.25 = vols times 1.25)',
    reason: 'a vol shock of 1,000% is beyond any published scenario set',
  },
  smileCoefficient: {
    min: -100,
    max: 100,
    what: 'SVI coefficient (total variance or log-moneyness)',
    reason: 'fitted crypto SVI coefficients are of order 0.01 to 1',
  },
  power: {
    min: 0,
    max: 4,
    what: 'exponent',
    reason: 'vol time scaling uses powers near 0.5',
  },
  yearsToExpiry: {
    min: 0,
    max: 50,
    exclusiveMin: true,
    what: 'years from market.asOf to an expiry',
    reason:
      'an instrument at or past its expiry is settled, not margined; listed crypto expiries run to two years, ' +
      'CME to five, and within 50 years exp(rate x years) stays finite',
  },
  rulebookNumber: {
    min: -1e15,
    max: 1e15,
    minMagnitude: 1e-12,
    what: "number in a rulebook's parameters (a rate, ratio, amount, notional cap, tier or count)",
    reason:
      'venues publish rates from about 1e-6 and notional caps up to about 1e10; the rulebooks divide by rates ' +
      'and multiply caps by prices, so a number beyond 1e15 or under 1e-12 in magnitude would only overflow',
  },
  timestamp: {
    min: 0,
    max: 253_402_300_799_999,
    what: 'time in epoch milliseconds',
    reason: '1970-01-01 to 9999-12-31T23:59:59.999Z, the times ISO 8601 writes with four-digit years',
  },
} as const satisfies Record<string, Bound>;

/** A kind of number with a range in BOUNDS. */
export type BoundKind = keyof typeof BOUNDS;

/** Returns a number as short text: 1e12, 0.0001, -1e15. */
function short(x: number): string {
  const abs = Math.abs(x);
  return abs !== 0 && (abs >= 1e6 || abs < 1e-4) ? x.toExponential().replace('e+', 'e') : String(x);
}

/** Returns the range of a kind as text, e.g. `between 1e-12 and 1e12` or `> 0 and <= 3650`. */
export function describeBound(kind: BoundKind): string {
  const b: Bound = BOUNDS[kind];
  const range = `${b.exclusiveMin ? '>' : '>='} ${short(b.min)} and ${b.exclusiveMax ? '<' : '<='} ${short(b.max)}`;
  return b.minMagnitude === undefined
    ? range
    : `${range}, and 0 or at least ${short(b.minMagnitude)} in magnitude`;
}

/** Returns whether a number lies within the range of a kind (false for NaN and infinities). */
export function withinBound(kind: BoundKind, value: number): boolean {
  const b: Bound = BOUNDS[kind];
  if (!Number.isFinite(value)) return false;
  const aboveMin = b.exclusiveMin ? value > b.min : value >= b.min;
  const belowMax = b.exclusiveMax ? value < b.max : value <= b.max;
  const notTiny = b.minMagnitude === undefined || value === 0 || Math.abs(value) >= b.minMagnitude;
  return aboveMin && belowMax && notTiny;
}

/** Returns the issue of a number outside its kind's range, located at `path`; undefined when it is within. */
export function boundIssue(kind: BoundKind, value: number, path: string): InputIssue | undefined {
  if (withinBound(kind, value)) return undefined;
  const b: Bound = BOUNDS[kind];
  return {
    path,
    message: `must be ${describeBound(kind)}, got ${Number.isNaN(value) ? 'NaN' : short(value)}`,
    hint: b.reason,
  };
}

/** Returns `value` if it lies within its kind's range; throws InputError naming `path` otherwise. */
export function requireBound(kind: BoundKind, value: number, path: string): number {
  const issue = boundIssue(kind, value, path);
  if (issue !== undefined) throw new InputError([issue]);
  return value;
}

/** Returns the JSON Schema keywords of a kind's range (for a schema's `meta`). */
export function boundKeywords(kind: BoundKind): Record<string, number> {
  const b: Bound = BOUNDS[kind];
  return {
    [b.exclusiveMin ? 'exclusiveMinimum' : 'minimum']: b.min,
    [b.exclusiveMax ? 'exclusiveMaximum' : 'maximum']: b.max,
  };
}

/**
 * Returns a number schema with a kind's range checked (boundIssue's message, its reason as `params.hint`, at the
 * field's own path) and stated in the generated JSON Schema.
 */
export function bounded<T extends z.ZodType<number, unknown>>(schema: T, kind: BoundKind): T {
  return schema
    .superRefine((value, ctx) => {
      const issue = boundIssue(kind, value, '');
      if (issue !== undefined)
        ctx.addIssue({ code: 'custom', message: issue.message, params: { hint: issue.hint } });
    })
    .meta(boundKeywords(kind));
}

/**
 * Returns every number inside a value outside a kind's range, with its path below the value and its issue (for
 * free-form parameter trees, such as a rulebook's, whose own schema checks what each number means).
 */
export function boundIssuesWithin(
  kind: BoundKind,
  value: unknown,
  at: (string | number)[] = [],
): { at: (string | number)[]; issue: InputIssue }[] {
  if (typeof value === 'number') {
    const issue = boundIssue(kind, value, at.join('.'));
    return issue === undefined ? [] : [{ at, issue }];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => boundIssuesWithin(kind, v, [...at, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => boundIssuesWithin(kind, v, [...at, k]));
  return [];
}

/** Returns the path (`$.a[2].b`) of the first NaN or infinite number inside a value, or undefined if none. */
export function firstNonFinite(value: unknown, path = '$'): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstNonFinite(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const found = firstNonFinite(v, `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

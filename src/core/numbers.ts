import { z } from 'zod';
import { BOUNDS, boundKeywords, withinBound } from './bounds.js';

// Decimal strings at the edge: an optional sign, digits, an optional fraction and exponent. No hex, no
// "Infinity", no empty string: JavaScript's Number() would accept those silently.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite number given as a JSON number or a decimal string; parsed to float64 for risk computation. */
export const decimal = z.union([z.number(), z.string().trim()]).transform((value, ctx) => {
  if (typeof value === 'string' && !DECIMAL.test(value)) {
    ctx.addIssue({ code: 'custom', message: `not a decimal number: "${value}"` });
    return z.NEVER;
  }
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `must be finite, got ${String(value)}` });
    return z.NEVER;
  }
  return n;
});

/** A decimal that must be > 0. */
export const positiveDecimal = decimal.refine((n) => n > 0, { message: 'must be > 0' });

/** A decimal that must be >= 0. */
export const nonNegativeDecimal = decimal.refine((n) => n >= 0, { message: 'must be >= 0' });

/** A fraction in [0, 1]. */
export const fraction = decimal.refine((n) => n >= 0 && n <= 1, { message: 'must be between 0 and 1' });

/**
 * A time: epoch milliseconds or an ISO 8601 date-time string; parsed to epoch milliseconds, within
 * BOUNDS.timestamp (1970 to the end of year 9999).
 */
export const timestamp = z
  .union([z.number().int(), z.string()])
  .transform((value, ctx) => {
    const ms = typeof value === 'number' ? value : Date.parse(value);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: `not a time: "${String(value)}" (use ISO 8601 or epoch ms)` });
      return z.NEVER;
    }
    if (!withinBound('timestamp', ms)) {
      const { min, max, reason } = BOUNDS.timestamp;
      const [from, to] = [new Date(min).toISOString(), new Date(max).toISOString()];
      ctx.addIssue({
        code: 'custom',
        message: `must be between ${from} and ${to}, got ${String(value)}`,
        params: { hint: reason },
      });
      return z.NEVER;
    }
    return ms;
  })
  .meta({
    description: 'ISO 8601 date-time (2024-06-28T08:00:00Z) or epoch milliseconds',
    ...boundKeywords('timestamp'),
  });

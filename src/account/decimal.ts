// The one exact-decimal module: ledger amounts (balances, quantities, settlement amounts) are decimal strings at
// the edges and bigint fixed point inside, so that adding transfers and fills never rounds. Risk computation
// converts to float64. Settlement's smallest-unit integers (settlement/units.ts) are built on this parser.
import { z } from 'zod';

/** An exact decimal: mantissa × 10^exponent. */
export interface ExactDecimal {
  mantissa: bigint;
  exponent: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;
// An exponent beyond this is not an amount anyone means; refusing it keeps the bigints small.
const MAX_EXPONENT = 64;

/** Returns the exact value of a decimal text (sign, digits, fraction, exponent), or undefined if it is not one. */
export function parseExactDecimal(text: string): ExactDecimal | undefined {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exp = '0'] = match;
  if (whole === '' && fraction === '') return undefined;
  const digits = BigInt(`${whole}${fraction}` || '0');
  return { mantissa: sign === '-' ? -digits : digits, exponent: Number(exp) - fraction.length };
}

/**
 * Returns the exact decimal a float stands for: its shortest round-trip decimal (ECMAScript Number::toString),
 * i.e. the decimal the float was nearest to. Throws RangeError for NaN and infinities.
 */
export function exactDecimalOfFloat(value: number): ExactDecimal {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const exact = parseExactDecimal(String(value));
  if (exact === undefined) throw new RangeError(`unexpected number text: ${String(value)}`);
  return exact;
}

function exact(text: string): ExactDecimal {
  const value = parseExactDecimal(text);
  if (value === undefined) throw new RangeError(`not a decimal number: "${text}"`);
  const written = /[eE]([+-]?\d+)\s*$/.exec(text)?.[1];
  if (written !== undefined && Math.abs(Number(written)) > MAX_EXPONENT)
    throw new RangeError(`exponent out of range: "${text}"`);
  return value;
}

/** Returns both mantissas at the smaller of the two exponents, and that exponent. */
function align(a: ExactDecimal, b: ExactDecimal): [bigint, bigint, number] {
  const exponent = Math.min(a.exponent, b.exponent);
  return [
    a.mantissa * 10n ** BigInt(a.exponent - exponent),
    b.mantissa * 10n ** BigInt(b.exponent - exponent),
    exponent,
  ];
}

function format({ mantissa, exponent }: ExactDecimal): string {
  if (exponent > 0) return format({ mantissa: mantissa * 10n ** BigInt(exponent), exponent: 0 });
  const scale = -exponent;
  const negative = mantissa < 0n;
  const digits = (negative ? -mantissa : mantissa).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative && text !== '0' ? `-${text}` : text;
}

/** Returns the plain decimal string (no exponent, no trailing zeros) of a number or decimal text. */
export function decimalOf(value: number | string): string {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError(`not a finite number: ${value}`);
  return format(exact(String(value)));
}

/** Returns a + b exactly, as a decimal string. */
export function addDecimal(a: string, b: string): string {
  const [x, y, exponent] = align(exact(a), exact(b));
  return format({ mantissa: x + y, exponent });
}

/** Returns a × b exactly, as a decimal string. */
export function mulDecimal(a: string, b: string): string {
  const x = exact(a);
  const y = exact(b);
  return format({ mantissa: x.mantissa * y.mantissa, exponent: x.exponent + y.exponent });
}

/** Returns -a, as a decimal string. */
export function negDecimal(a: string): string {
  const x = exact(a);
  return format({ mantissa: -x.mantissa, exponent: x.exponent });
}

/** Returns the sign of a decimal: -1, 0 or 1. */
export function signDecimal(a: string): -1 | 0 | 1 {
  const { mantissa } = exact(a);
  return mantissa === 0n ? 0 : mantissa < 0n ? -1 : 1;
}

/** Returns a float64 rounded once to `places` decimals, as an exact decimal string (realised P&L). */
export function roundedDecimal(value: number, places: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return decimalOf(value.toFixed(places));
}

const DECIMAL_INPUT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,2})?$/;

/** A decimal given as a JSON number or string, normalised to a plain decimal string (exact, never a float). */
export const decimalString = z.union([z.number(), z.string().trim().max(64)]).transform((value, ctx) => {
  if (
    (typeof value === 'number' && !Number.isFinite(value)) ||
    (typeof value === 'string' && !DECIMAL_INPUT.test(value))
  ) {
    ctx.addIssue({ code: 'custom', message: `not a decimal number: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return decimalOf(value);
});

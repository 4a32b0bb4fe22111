// The one exact-decimal module: ledger amounts (balances, quantities, settlement amounts) are decimal strings at
// the edges and bigint fixed point inside, so that adding transfers and fills never rounds. Risk computation
// converts to float64. Settlement's smallest-unit integers (settlement/units.ts) are built on this parser.
import { z } from 'zod';
import { BOUNDS, boundIssue, describeBound, type BoundKind } from '../core/bounds.js';

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

/**
 * Returns the plain decimal string (no exponent, no trailing zeros) of a number or decimal text. A float is taken
 * at any exponent float64 holds (a subnormal balance of 5e-324 is a 324-place decimal); only written texts are
 * held to MAX_EXPONENT, since only they can ask for 1e-9999.
 */
export function decimalOf(value: number | string): string {
  return typeof value === 'number' ? format(exactDecimalOfFloat(value)) : format(exact(value));
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

const DECIMAL_INPUT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$/;

/**
 * The most decimal places a ledger decimal may have: 18, the smallest unit of ETH (wei) and of ERC-20 tokens with
 * 18 decimals, the finest any asset is counted in.
 */
export const MAX_DECIMAL_PLACES = 18;

/** Returns a decimal with the trailing zeros of its mantissa moved into its exponent. */
function normalised({ mantissa, exponent }: ExactDecimal): ExactDecimal {
  if (mantissa === 0n) return { mantissa, exponent: 0 };
  let m = mantissa;
  let e = exponent;
  while (m % 10n === 0n) {
    m /= 10n;
    e += 1;
  }
  return { mantissa: m, exponent: e };
}

/** Returns whether |value| <= 10^power, exactly. */
function atMostPowerOfTen(value: ExactDecimal, power: number): boolean {
  const { mantissa, exponent } = normalised(value);
  const digits = (mantissa < 0n ? -mantissa : mantissa).toString().length;
  // value lies in [10^(digits+exponent-1), 10^(digits+exponent)).
  if (mantissa === 0n || digits + exponent <= power) return true;
  return digits === 1 && (mantissa === 1n || mantissa === -1n) && exponent === power;
}

/** A problem with a number at the edge: what is wrong, and why the limit is where it is. */
export interface DecimalIssue {
  message: string;
  hint: string;
}

/**
 * Returns why a decimal text cannot enter the ledger, or undefined: its magnitude must lie within BOUNDS.amount
 * (the range of quantities too), checked exactly, with at most MAX_DECIMAL_PLACES places; with `kind`, its value
 * must also lie within that kind's range.
 */
export function decimalIssue(text: string, kind?: BoundKind): DecimalIssue | undefined {
  const value = parseExactDecimal(text);
  if (value === undefined) return { message: `not a decimal number: ${JSON.stringify(text)}`, hint: '' };
  const { amount } = BOUNDS;
  if (!atMostPowerOfTen(value, Math.log10(amount.max)))
    return {
      message: `must be ${describeBound('amount')}, got ${text}`,
      hint: `${amount.what}: ${amount.reason}`,
    };
  if (-normalised(value).exponent > MAX_DECIMAL_PLACES)
    return {
      message: `at most ${MAX_DECIMAL_PLACES} decimal places, got ${text}`,
      hint: 'the smallest unit of any asset is 1e-18 (wei, and ERC-20 tokens with 18 decimals)',
    };
  if (kind === undefined) return undefined;
  const issue = boundIssue(kind, Number(text), '');
  return issue === undefined ? undefined : { message: issue.message, hint: issue.hint ?? '' };
}

/** Returns the decimal schema of ledger amounts, within a kind's range when given. */
function decimalInput(kind?: BoundKind) {
  return z.union([z.number(), z.string().trim().max(64)]).transform((value, ctx) => {
    if (
      (typeof value === 'number' && !Number.isFinite(value)) ||
      (typeof value === 'string' && !DECIMAL_INPUT.test(value))
    ) {
      ctx.addIssue({ code: 'custom', message: `not a decimal number: ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    const issue = decimalIssue(String(value), kind);
    if (issue !== undefined) {
      ctx.addIssue({ code: 'custom', message: issue.message, params: { hint: issue.hint } });
      return z.NEVER;
    }
    return decimalOf(value);
  });
}

/**
 * A decimal given as a JSON number or string, normalised to a plain decimal string (exact, never a float): a
 * ledger amount or quantity, within BOUNDS.amount and MAX_DECIMAL_PLACES.
 */
export const decimalString = decimalInput();

/** A decimal as `decimalString`, also within the range of a kind of number (a price: BOUNDS.price). */
export const boundedDecimal = (kind: BoundKind) => decimalInput(kind);

// Settlement amounts: a bigint count of an asset's smallest unit (10^-decimals of the asset), the fixed width a
// commitment hashes; it crosses the edges as a decimal string and is never held as a float. Decimal text is read
// by the one exact-decimal module (src/account/decimal.ts); this file adds the smallest-unit scaling.
import { exactDecimalOfFloat, parseExactDecimal, type ExactDecimal } from '../account/index.js';
import { InputError } from '../core/index.js';

// Re-exported because settlement's public API names them; there is one implementation, in src/account.
export { exactDecimalOfFloat, parseExactDecimal, type ExactDecimal };

/** A settlement asset and the size of its smallest unit, 10^-decimals. */
export interface AssetUnit {
  code: string;
  decimals: number;
}

/** The largest number of decimals an asset may have (a 128-bit field holds 3.4e38 units). */
export const MAX_DECIMALS = 30;

/** Largest value of a 128-bit unsigned field, the width of every committed amount. */
export const MAX_U128 = (1n << 128n) - 1n;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Returns floor(a / b) for b > 0 (bigint division truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** Returns a decimal scaled by 10^decimals as an exact fraction numerator / 10^denominatorDigits. */
export function scaledFraction(
  value: ExactDecimal,
  decimals: number,
): { numerator: bigint; denominatorDigits: number } {
  const shift = value.exponent + decimals;
  return shift >= 0
    ? { numerator: value.mantissa * pow10(shift), denominatorDigits: 0 }
    : { numerator: value.mantissa, denominatorDigits: -shift };
}

/** Returns a float amount in smallest units, rounded once toward +infinity (`ceil`) or -infinity (`floor`). */
export function floatToUnits(value: number, decimals: number, rounding: 'ceil' | 'floor'): bigint {
  const { numerator, denominatorDigits } = scaledFraction(exactDecimalOfFloat(value), decimals);
  const d = pow10(denominatorDigits);
  const down = floorDiv(numerator, d);
  return rounding === 'floor' || down * d === numerator ? down : down + 1n;
}

/**
 * Returns an exact ledger amount in smallest units. Accepts a decimal string, or a JSON number with at most 15
 * significant digits (beyond that a float no longer holds the decimal that was written). Never rounds: a
 * fraction finer than the asset's unit is an InputError at `path`.
 */
export function parseUnits(value: unknown, decimals: number, path: string): bigint {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) {
    text = String(value);
    const significant = text.replace(/e.*$/i, '').replace(/[-.]/g, '').replace(/^0+/, '');
    if (significant.length > 15)
      throw new InputError([
        {
          path,
          message: `${text} has more than 15 significant digits`,
          hint: 'write the amount as a string',
        },
      ]);
  } else throw new InputError([{ path, message: 'must be a decimal string, e.g. "12.5"' }]);
  const exact = parseExactDecimal(text);
  if (exact === undefined) throw new InputError([{ path, message: `not a decimal number: "${text}"` }]);
  const { numerator, denominatorDigits } = scaledFraction(exact, decimals);
  if (denominatorDigits > 0 && numerator % pow10(denominatorDigits) !== 0n)
    throw new InputError([
      {
        path,
        message: `"${text}" is finer than the asset's smallest unit (${decimals} decimals)`,
        hint: 'ledger amounts are never rounded; check the asset decimals in the cycle file',
      },
    ]);
  const units = numerator / pow10(denominatorDigits);
  if (units > MAX_U128 || -units > MAX_U128)
    throw new InputError([{ path, message: `"${text}" does not fit in 128 bits of smallest units` }]);
  return units;
}

/** Returns an amount in smallest units as a decimal string with exactly `decimals` fraction digits. */
export function formatUnits(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}

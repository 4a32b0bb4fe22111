// Exact decimal arithmetic for ledger amounts (balances, quantities): decimal strings at the edges, bigint
// fixed point inside, so that adding transfers and fills never rounds. Risk computation converts to float64.

/** An exact decimal: `units / 10^scale`. */
interface Fixed {
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
// An exponent beyond this is not an amount anyone means; refusing it keeps the bigints small.
const MAX_EXPONENT = 64;

function parse(text: string): Fixed {
  const m = DECIMAL.exec(text.trim());
  const whole = m?.[2] ?? '';
  const fraction = m?.[3] ?? '';
  if (m === null || whole + fraction === '') throw new RangeError(`not a decimal number: "${text}"`);
  const exponent = Number(m[4] ?? '0');
  if (Math.abs(exponent) > MAX_EXPONENT) throw new RangeError(`exponent out of range: "${text}"`);
  let units = BigInt(`${whole}${fraction}` || '0');
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: m[1] === '-' ? -units : units, scale };
}

function align(a: Fixed, b: Fixed): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function format({ units, scale }: Fixed): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative && text !== '0' ? `-${text}` : text;
}

/** Returns the decimal string of a JavaScript number, in plain notation (no exponent). */
export function decimalOf(value: number | string): string {
  if (typeof value === 'string') return format(parse(value));
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return format(parse(String(value)));
}

/** Returns a + b exactly, as a decimal string. */
export function addDecimal(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  return format({ units: x + y, scale });
}

/** Returns a × b exactly, as a decimal string. */
export function mulDecimal(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  return format({ units: x.units * y.units, scale: x.scale + y.scale });
}

/** Returns -a. */
export function negDecimal(a: string): string {
  const x = parse(a);
  return format({ units: -x.units, scale: x.scale });
}

/** Returns the sign of a decimal: -1, 0 or 1. */
export function signDecimal(a: string): -1 | 0 | 1 {
  const { units } = parse(a);
  return units === 0n ? 0 : units < 0n ? -1 : 1;
}

/** Returns a float64 rounded once to `places` decimals, as an exact decimal string (realised P&L). */
export function roundedDecimal(value: number, places: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return decimalOf(value.toFixed(places));
}
